"""REST endpoints of the accounts app, mounted at /api/v1/ by jigai/api.py.

``/me``; personal API tokens (``/tokens``); account administration (``/users``, system and security
administrators only, 等保 2.0 三员分立); organisations (``/organisations``). Every read starts from a
selector of :mod:`jigai.accounts.selectors`, every write is a service of :mod:`jigai.accounts.services`.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.accounts import selectors, services
from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import ApiToken, Organisation, User
from jigai.core.api_auth import api_user, authenticated_by_token
from jigai.core.permissions import deny, has_role, require

router = Router(tags=["accounts"])

#: the largest page a list endpoint returns, whatever ``limit`` asks for
MAX_PAGE = 100


# --- Schemas ----------------------------------------------------------------------------------
class DistrictRef(Schema):
    code: str
    name: str


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())


class OrganisationOut(OrganisationRef):
    credit_code: str | None
    district: DistrictRef | None
    is_active: bool


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    role_label: str
    organisation: OrganisationOut | None = Field(None, description="所属机构（含机构所在区）")
    district: DistrictRef | None = Field(
        None, description="区经委人员所服务的区（属地范围）；其他角色为 null"
    )

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_district(obj: User) -> Any:
        if obj.district_id is None or obj.organisation is None:
            return None
        return obj.organisation.district


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    role: str
    role_label: str
    organisation: OrganisationRef | None
    is_active: bool
    is_locked: bool
    locked_until: datetime | None
    last_login: datetime | None
    date_joined: datetime

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())


class UserCreateIn(Schema):
    username: str = Field(..., max_length=150, description="登录账号")
    password: str = Field(
        ..., max_length=128, description="至少 8 位，含大写字母、小写字母、数字、特殊字符中的 3 类"
    )
    role: Role = Field(..., description="业务角色（三类管理员只能在服务器上创建）")
    organisation: int = Field(..., description="所属机构 ID")
    display_name: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500, description="原因（记入审计日志）")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    username: str = Field(..., alias="user.username")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_usable: bool


class TokenCreateIn(Schema):
    name: str = Field(..., max_length=100, description="用途，例如“区统计系统对接”")
    days: int = Field(365, ge=1, le=730, description="有效期（天）")


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="令牌明文，只返回这一次；平台只保存其摘要")


class UserFilters(Schema):
    role: Role | None = None
    organisation: int | None = Field(None, description="机构 ID")
    q: str | None = Field(None, max_length=100, description="账号或姓名包含")


class OrganisationFilters(Schema):
    kind: OrganisationKind | None = None
    district: str | None = Field(None, max_length=6, description="区代码，如 310115")
    q: str | None = Field(None, max_length=100, description="名称包含，或统一社会信用代码")


# --- Me ---------------------------------------------------------------------------------------
@router.get("/me", response=MeOut, summary="当前登录用户")
def me(request: HttpRequest) -> User:
    user = api_user(request)
    if user.organisation_id is not None:
        # One query for the organisation and its district, whichever way the user signed in.
        user.organisation = Organisation.objects.select_related("district").get(pk=user.organisation_id)
    return user


# --- API tokens -------------------------------------------------------------------------------
@router.get("/tokens", response=list[TokenOut], summary="API 令牌（本人的；安全管理员可见全部）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def token_list(request: HttpRequest) -> Any:
    return selectors.api_token_list(actor=api_user(request))


class _IssuedToken:
    """A new token together with its secret, which exists only in this response."""

    def __init__(self, token: ApiToken, raw: str) -> None:
        self._token = token
        self.token = raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self._token, name)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="创建 API 令牌（明文只返回一次）")
def token_create(request: HttpRequest, payload: TokenCreateIn) -> tuple[int, _IssuedToken]:
    actor = api_user(request)
    if authenticated_by_token(request):
        # A leaked token must not be able to mint a successor that outlives its revocation.
        require(deny(_("不能用 API 令牌创建新令牌，请登录平台后创建。")), "api_token.create")
    token, raw = services.api_token_create(actor=actor, name=payload.name, days=payload.days)
    return 201, _IssuedToken(token, raw)


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销 API 令牌")
def token_revoke(request: HttpRequest, token_id: int) -> tuple[int, None]:
    actor = api_user(request)
    token = get_object_or_404(selectors.api_token_list(actor=actor), pk=token_id)
    services.api_token_revoke(actor=actor, token=token)
    return 204, None


# --- Users (account administration) -----------------------------------------------------------
def _can_view_accounts(user: Any) -> Any:
    return has_role(user, [Role.SYSADMIN, Role.SECADMIN], _("查看用户账户"))


def _managed_user(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(selectors.user_list(actor=api_user(request)), pk=user_id)


@router.get("/users", response=list[UserOut], summary="用户账户（系统管理员、安全管理员）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def user_list(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    actor = api_user(request)
    require(_can_view_accounts(actor), "user.list")
    return selectors.user_list(actor=actor, role=filters.role, organisation=filters.organisation, q=filters.q)


@router.post("/users", response={201: UserOut}, summary="创建业务用户账户（系统管理员）")
def user_create(request: HttpRequest, payload: UserCreateIn) -> tuple[int, User]:
    actor = api_user(request)
    require(services.can_manage_accounts(actor), "user.create")
    organisation = selectors.organisation_list(actor=actor).filter(pk=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": _("机构不存在。")})
    user = services.user_create(
        actor=actor,
        username=payload.username,
        password=payload.password,
        role=payload.role,
        organisation=organisation,
        display_name=payload.display_name,
        email=payload.email,
        phone=payload.phone,
    )
    return 201, user


@router.post("/users/{user_id}/deactivate", response=UserOut, summary="停用账户（系统管理员）")
def user_deactivate(request: HttpRequest, user_id: int, payload: ReasonIn | None = None) -> User:
    actor = api_user(request)
    require(services.can_manage_accounts(actor), "user.deactivate")
    reason = payload.reason if payload else ""
    return services.user_set_active(
        actor=actor, user=_managed_user(request, user_id), active=False, reason=reason
    )


@router.post("/users/{user_id}/activate", response=UserOut, summary="启用账户（系统管理员）")
def user_activate(request: HttpRequest, user_id: int, payload: ReasonIn | None = None) -> User:
    actor = api_user(request)
    require(services.can_manage_accounts(actor), "user.activate")
    reason = payload.reason if payload else ""
    return services.user_set_active(
        actor=actor, user=_managed_user(request, user_id), active=True, reason=reason
    )


@router.post("/users/{user_id}/unlock", response=UserOut, summary="解除登录锁定（安全管理员）")
def user_unlock(request: HttpRequest, user_id: int) -> User:
    actor = api_user(request)
    require(services.can_unlock_accounts(actor), "user.unlock")
    return services.user_unlock(actor=actor, user=_managed_user(request, user_id))


# --- Organisations ----------------------------------------------------------------------------
@router.get("/organisations", response=list[OrganisationOut], summary="机构（按用户可见范围）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    return selectors.organisation_list(
        actor=api_user(request), kind=filters.kind, district=filters.district, q=filters.q
    )
