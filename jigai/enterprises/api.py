"""REST endpoints of the enterprises app, mounted at /api/v1/enterprises by jigai/api.py.

Reads go through :mod:`jigai.enterprises.selectors`, so each user sees the enterprises of their
scope only (own enterprise, own district, the whole city); an enterprise outside the scope is a
404, never a 403, so its existence is not revealed. Writes call :mod:`jigai.enterprises.services`:

* ``POST /register`` — public self-registration (no sign-in), at most
  :data:`jigai.enterprises.throttle.API_LIMIT` attempts an hour per client address (429
  ``rate_limited`` beyond);
* ``POST /{id}/confirm``, ``POST /{id}/reject`` — the district's decision on a pending registration;
* ``GET/PUT /me``, ``GET/POST /me/users`` — an enterprise user's own profile and accounts.

No ``from __future__ import annotations`` here: ninja reads the annotations of ``@paginate`` and
``Query[...]`` endpoints at import time to build the OpenAPI document.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import Throttled

from jigai.accounts.choices import Role
from jigai.core.api_auth import api_user
from jigai.core.api_lists import PageQuery, page_response, paged
from jigai.core.choices import choice_label
from jigai.core.permissions import has_role, require
from jigai.enterprises import selectors, services, throttle
from jigai.enterprises.choices import EnterpriseStatus, SpecialisedStatus
from jigai.enterprises.credit import credit_bar_for
from jigai.enterprises.models import Enterprise
from jigai.reference.choices import EnterpriseSize

router = Router(tags=["enterprises"])

MAX_PAGE = 100


class CodeName(Schema):
    code: str
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    district: CodeName
    industry: CodeName
    size: str
    size_label: str
    status: str
    status_label: str
    employees: int
    operating_revenue: Decimal = Field(..., description="营业收入（万元）")

    @staticmethod
    def resolve_size_label(obj: Enterprise) -> str:
        return choice_label(obj, "size")

    @staticmethod
    def resolve_status_label(obj: Enterprise) -> str:
        return choice_label(obj, "status")


class CreditBarOut(Schema):
    reason: str = Field(..., description="失信事由")
    source_document: str = Field(..., description="信用平台记录或文书编号")
    starts_on: date = Field(..., description="限制开始日期")
    ends_on: date = Field(..., description="限制截止日期（含）")


class EnterpriseDetailOut(EnterpriseOut):
    organisation_id: int
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    high_tech_certificate_number: str = Field(..., description="高新技术企业证书编号")
    high_tech_valid_until: date | None = Field(..., description="高新技术企业证书有效期至")
    is_high_tech: bool = Field(..., description="今天是否为有效期内的高新技术企业")
    specialised_status: str = Field(..., description="专精特新：none、municipal、national_giant")
    specialised_status_label: str
    created_at: datetime
    confirmed_at: datetime | None = Field(..., description="区经委确认或退回的时间")
    rejection_reason: str = Field(..., description="区经委最近一次退回的原因")
    under_credit_bar: bool = Field(..., description="今天是否处于失信限制申报期内")
    credit_bar: CreditBarOut | None = Field(..., description="今天有效的失信限制（无则为 null）")

    @staticmethod
    def resolve_specialised_status_label(obj: Enterprise) -> str:
        return str(obj.get_specialised_status_display())

    @staticmethod
    def resolve_credit_bar(obj: Enterprise) -> Any:
        # Every caller got ``obj`` through a scoped selector or a service acting for its reader.
        return credit_bar_for(obj, None, timezone.localdate())

    @staticmethod
    def resolve_under_credit_bar(obj: Enterprise) -> bool:
        return credit_bar_for(obj, None, timezone.localdate()) is not None


class EnterpriseFilters(Schema):
    district: str | None = Field(None, max_length=6, description="区代码，如 310115")
    industry: str | None = Field(
        None, max_length=5, description="行业：门类字母（如 C）或大类代码（如 34），含其下级"
    )
    size: EnterpriseSize | None = None
    status: EnterpriseStatus | None = None
    q: str | None = Field(None, max_length=100, description="企业名称包含，或统一社会信用代码")


class RegistrationIn(Schema):
    credit_code: str = Field(..., max_length=40, description="统一社会信用代码（18 位）")
    name: str = Field(..., max_length=200, description="企业名称")
    district: str = Field(..., max_length=6, description="所在区代码，如 310115")
    address: str = Field(..., max_length=300, description="注册地址")
    industry: str = Field(..., max_length=5, description="所属行业：门类字母或大类代码")
    employees: int = Field(..., description="从业人员（人）")
    operating_revenue: Decimal = Field(..., description="营业收入（万元，两位小数）")
    legal_representative: str = Field(..., max_length=50, description="法定代表人")
    contact_name: str = Field(..., max_length=50, description="联系人")
    contact_phone: str = Field(..., max_length=30, description="联系电话")
    contact_email: str = Field("", max_length=254, description="联系人电子邮箱")
    high_tech_certificate_number: str = Field("", max_length=30, description="高新技术企业证书编号")
    high_tech_valid_until: date | None = Field(None, description="高新技术企业证书有效期至")
    specialised_status: SpecialisedStatus = Field(SpecialisedStatus.NONE, description="专精特新")
    username: str = Field(..., max_length=150, description="登录账号")
    password: str = Field(..., max_length=128, description="登录密码（至少 8 位，含三类字符）")
    display_name: str = Field(..., max_length=50, description="账号使用人姓名")
    phone: str = Field("", max_length=20, description="账号使用人手机号")
    email: str = Field("", max_length=254, description="账号使用人电子邮箱")


ACCOUNT_KEYS = ("username", "password", "display_name", "phone", "email")


class RegistrationOut(Schema):
    enterprise: EnterpriseDetailOut
    username: str
    message: str


class RejectIn(Schema):
    reason: str = Field(..., max_length=2000, description="退回原因：告诉企业需要更正什么")


class ProfileIn(Schema):
    """Only the fields sent change; the others keep their value."""

    credit_code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    district: str | None = Field(None, max_length=6)
    address: str | None = Field(None, max_length=300)
    industry: str | None = Field(None, max_length=5)
    employees: int | None = None
    operating_revenue: Decimal | None = None
    legal_representative: str | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    contact_email: str | None = Field(None, max_length=254)
    high_tech_certificate_number: str | None = Field(None, max_length=30)
    high_tech_valid_until: date | None = None
    specialised_status: SpecialisedStatus | None = None


class EnterpriseUserIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)
    display_name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class EnterpriseUserOut(Schema):
    id: int
    username: str
    display_name: str
    phone: str
    email: str
    is_active: bool
    date_joined: datetime
    last_login: datetime | None


def _own_enterprise(request: HttpRequest) -> Enterprise:
    user = api_user(request)
    require(has_role(user, [Role.ENTERPRISE], _("查看和维护本企业信息")), "enterprise.me")
    enterprise = selectors.own_enterprise(actor=user)
    if enterprise is None:
        raise Http404
    return enterprise


@router.post(
    "/register",
    auth=None,
    response={201: RegistrationOut},
    summary="企业自助注册（无需登录；每个 IP 每小时最多 10 次）",
)
def enterprise_register(request: HttpRequest, payload: RegistrationIn) -> Status:
    wait = throttle.registration_hit(request, channel="api", limit=throttle.API_LIMIT)
    if wait is not None:
        raise Throttled(wait)
    data = payload.dict()
    account = {key: data.pop(key) for key in ACCOUNT_KEYS}
    enterprise = services.enterprise_register(data=data, **account)
    message = _("注册成功。企业信息须经所在区经委确认后，方可申报项目。")
    return Status(
        201, {"enterprise": enterprise, "username": account["username"].strip(), "message": message}
    )


@router.get("/me", response=EnterpriseDetailOut, summary="本企业信息（企业用户）")
def enterprise_me(request: HttpRequest) -> Enterprise:
    return _own_enterprise(request)


@router.put(
    "/me",
    response=EnterpriseDetailOut,
    summary="修改本企业信息（只修改提交的字段；被退回的注册信息修改后重新待区确认）",
)
def enterprise_me_update(request: HttpRequest, payload: ProfileIn) -> Enterprise:
    enterprise = _own_enterprise(request)
    data = payload.dict(exclude_unset=True)
    return services.enterprise_update_profile(actor=api_user(request), enterprise=enterprise, data=data)


@router.get("/me/users", response=list[EnterpriseUserOut], summary="本企业的账号")
def enterprise_me_users(request: HttpRequest) -> Any:
    enterprise = _own_enterprise(request)
    return selectors.enterprise_user_list(actor=api_user(request), enterprise=enterprise)


@router.post("/me/users", response={201: EnterpriseUserOut}, summary="为本企业添加同事账号")
def enterprise_me_user_add(request: HttpRequest, payload: EnterpriseUserIn) -> Status:
    _own_enterprise(request)
    user = services.enterprise_user_add(actor=api_user(request), **payload.dict())
    return Status(201, user)


@router.get("", response=paged(EnterpriseOut), summary="企业（按用户可见范围，按名称排序）")
def enterprise_list(
    request: HttpRequest, filters: Query[EnterpriseFilters], page: Query[PageQuery]
) -> HttpResponse:
    queryset = selectors.enterprise_list(
        actor=api_user(request),
        district=filters.district,
        industry=filters.industry,
        size=filters.size,
        status=filters.status,
        q=filters.q,
    )
    return page_response(request, queryset, page, EnterpriseOut, max_limit=MAX_PAGE)


@router.get("/{enterprise_id}", response=EnterpriseDetailOut, summary="企业详情")
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.enterprise_get(actor=api_user(request), pk=enterprise_id)


@router.post(
    "/{enterprise_id}/confirm", response=EnterpriseDetailOut, summary="确认企业注册信息（所在区经委）"
)
def enterprise_confirm(request: HttpRequest, enterprise_id: int) -> Enterprise:
    user = api_user(request)
    enterprise = selectors.enterprise_get(actor=user, pk=enterprise_id)
    return services.enterprise_confirm(actor=user, enterprise=enterprise)


@router.post(
    "/{enterprise_id}/reject", response=EnterpriseDetailOut, summary="退回企业注册信息（所在区经委）"
)
def enterprise_reject(request: HttpRequest, enterprise_id: int, payload: RejectIn) -> Enterprise:
    user = api_user(request)
    enterprise = selectors.enterprise_get(actor=user, pk=enterprise_id)
    return services.enterprise_reject(actor=user, enterprise=enterprise, reason=payload.reason)
