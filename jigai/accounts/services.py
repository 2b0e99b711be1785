"""Accounts: sign-in with lockout, account management, API tokens. Every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import ADMIN_ROLES, ROLE_ORGANISATION_KINDS, Role
from jigai.accounts.models import ApiToken, Organisation, User
from jigai.audit.choices import Outcome
from jigai.audit.services import audit_record, diff, snapshot
from jigai.core.permissions import Decision, deny, has_role, require

TOKEN_PREFIX = "jg_"  # noqa: S105 (a marker, not a secret)


# --- Sign-in ----------------------------------------------------------------------------------
class LoginRefused(Exception):
    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.locked = locked


def _generic_failure() -> str:
    return _("账号或密码不正确。")


def user_login_attempt(*, username: str, password: str, request: Any = None) -> User:
    """Check a password sign-in and apply the lockout rule.

    等保 2.0 (身份鉴别): after ``JIGAI_LOGIN_MAX_FAILURES`` consecutive failures (default 5) the
    account is locked for ``JIGAI_LOCKOUT_MINUTES`` (default 30). Failures, the lockout and the
    success are each audited. The message never tells whether the account exists.
    """
    username = (username or "").strip()
    user = User.objects.filter(username=username).select_related("organisation").first()
    if user is not None and user.is_locked:
        audit_record(
            actor=None,
            username=username,
            action="auth.login",
            obj=user,
            outcome=Outcome.DENIED,
            message="账户锁定期间尝试登录",
        )
        raise LoginRefused(_locked_message(user), locked=True)
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if user is None:
            audit_record(
                actor=None,
                username=username,
                action="auth.login",
                outcome=Outcome.FAILURE,
                message="账号不存在",
            )
            raise LoginRefused(_generic_failure())
        _register_failure(user)
        user.refresh_from_db(fields=["locked_until", "failed_login_count"])
        if user.is_locked:
            raise LoginRefused(_locked_message(user), locked=True)
        raise LoginRefused(_generic_failure())
    assert isinstance(authenticated, User)
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(
            failed_login_count=0, locked_until=None, last_login=timezone.now()
        )
        audit_record(actor=authenticated, action="auth.login", obj=authenticated)
    authenticated.refresh_from_db()
    return authenticated


def _locked_message(user: User) -> str:
    assert user.locked_until is not None
    until = timezone.localtime(user.locked_until).strftime("%H:%M")
    return _("连续登录失败次数过多，账户已锁定至 %(until)s，请稍后再试或联系安全管理员解锁。") % {
        "until": until
    }


def _register_failure(user: User) -> None:
    max_failures = settings.JIGAI_LOGIN_MAX_FAILURES
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_login_count += 1
        update = ["failed_login_count"]
        audit_record(
            actor=None,
            username=user.username,
            action="auth.login",
            obj=user,
            outcome=Outcome.FAILURE,
            message=f"密码错误（第 {locked.failed_login_count} 次）",
        )
        if locked.failed_login_count >= max_failures:
            locked.locked_until = timezone.now() + timedelta(minutes=settings.JIGAI_LOCKOUT_MINUTES)
            locked.failed_login_count = 0
            update.append("locked_until")
            audit_record(
                actor=None,
                username=user.username,
                action="auth.lockout",
                obj=user,
                outcome=Outcome.SUCCESS,
                message=f"连续 {max_failures} 次登录失败，锁定 {settings.JIGAI_LOCKOUT_MINUTES} 分钟",
            )
        locked.save(update_fields=update)


def user_logout_record(*, user: User, reason: str = "") -> None:
    audit_record(actor=user, action="auth.logout", obj=user, message=reason)


# --- Account management -----------------------------------------------------------------------
def check_password_policy(password: str, user: User, *, field: str) -> None:
    """AUTH_PASSWORD_VALIDATORS (等保 2.0: length, three character classes, not common, not like the
    account), with every message in Chinese, raised as a ValidationError on ``field``."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def can_manage_accounts(user: Any) -> Decision:
    return has_role(user, [Role.SYSADMIN], _("管理用户账户"))


def can_unlock_accounts(user: Any) -> Decision:
    return has_role(user, [Role.SECADMIN], _("解锁账户"))


def _check_role_fits(*, role: str, organisation: Organisation | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if organisation is None:
        raise ValidationError({"organisation": _("请选择所属机构。")})
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            {
                "role": _("角色“%(role)s”不能属于“%(kind)s”类机构。")
                % {"role": Role(role).label, "kind": organisation.get_kind_display()}
            }
        )


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    organisation: Organisation | None,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    allow_admin_roles: bool = False,
) -> User:
    """Create an account. The system administrator creates business accounts; the three
    administrator roles (系统、安全、审计) are created only from the command line
    (``allow_admin_roles``), so no single administrator can grant themselves another's duties."""
    if not allow_admin_roles:
        require(can_manage_accounts(actor), "user.create")
        if role in ADMIN_ROLES:
            raise ValidationError({"role": _("管理员账户只能由部署人员在服务器上创建。")})
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("请填写账号。")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("账号“%(u)s”已存在。") % {"u": username}})
    _check_role_fits(role=role, organisation=organisation)
    candidate = User(
        username=username,
        role=role,
        organisation=organisation,
        display_name=display_name,
        email=email,
        phone=phone,
    )
    # The model's own rules (username characters, lengths, e-mail format): without this a bad
    # value reaches the database, which SQLite stores and PostgreSQL rejects with a 500.
    candidate.full_clean(exclude=["password"], validate_unique=False)
    check_password_policy(password, candidate, field="password")
    with transaction.atomic():
        candidate.set_password(password)
        candidate.password_changed_at = timezone.now()
        candidate.save()
        audit_record(
            actor=actor,
            action="user.create",
            obj=candidate,
            changes=diff(
                {}, snapshot(candidate, ["username", "role", "organisation", "display_name", "is_active"])
            ),
        )
    return candidate


def user_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    require(can_manage_accounts(actor), "user.set_active")
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("不能停用自己的账户。"))
    if user.role in ADMIN_ROLES:
        raise ValidationError(_("管理员账户只能由部署人员在服务器上变更。"))
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=user,
            changes=diff(before, snapshot(user, ["is_active"])),
            message=reason,
        )
    return user


def user_unlock(*, actor: Any, user: User) -> User:
    """The security administrator lifts a lockout before it ends by itself."""
    require(can_unlock_accounts(actor), "user.unlock")
    with transaction.atomic():
        before = snapshot(user, ["locked_until", "failed_login_count"])
        user.locked_until = None
        user.failed_login_count = 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        audit_record(
            actor=actor,
            action="user.unlock",
            obj=user,
            changes=diff(before, snapshot(user, ["locked_until", "failed_login_count"])),
        )
    return user


def user_change_password(*, actor: User, old_password: str, new_password: str) -> User:
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    check_password_policy(new_password, actor, field="new_password")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.password_changed_at = timezone.now()
        actor.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="user.change_password", obj=actor)
    return actor


# --- API tokens -------------------------------------------------------------------------------
def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, actor: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Issue a personal token; the secret is returned once and only its SHA-256 digest is kept."""
    if not actor.is_authenticated or not actor.is_active:
        raise ValidationError(_("请先登录。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称。")})
    if days is not None and not 1 <= days <= 730:
        raise ValidationError({"days": _("有效期须在 1 至 730 天之间。")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=raw[:10],
            digest=token_digest(raw),
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        audit_record(actor=actor, action="api_token.create", obj=token)
    return token, raw


def can_revoke_token(user: Any, token: ApiToken) -> Decision:
    if getattr(user, "pk", None) == token.user_id:
        return Decision(True)
    if getattr(user, "role", None) == Role.SECADMIN and user.is_active:
        return Decision(True)
    return deny(_("只能吊销自己的令牌（安全管理员可吊销任何令牌）。"))


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    require(can_revoke_token(actor, token), "api_token.revoke")
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a usable token, else None. Touches ``last_used_at`` at most once a minute."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation").filter(digest=token_digest(raw)).first()
    )
    if token is None or not token.is_usable or not token.user.is_active or token.user.is_locked:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
