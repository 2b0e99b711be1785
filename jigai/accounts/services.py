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

from jigai.accounts import throttle
from jigai.accounts.choices import ADMIN_ROLES, ROLE_ORGANISATION_KINDS, Role
from jigai.accounts.models import ApiToken, Organisation, PasswordHistory, User
from jigai.audit.choices import Outcome
from jigai.audit.services import audit_record, diff, snapshot
from jigai.core import context
from jigai.core.permissions import Decision, deny, has_role, require

TOKEN_PREFIX = "jg_"  # noqa: S105 (a marker, not a secret)


# --- Sign-in ----------------------------------------------------------------------------------
class LoginRefused(Exception):
    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        #: the client address is refused for a while (answered with 429), whatever the name
        self.throttled = throttled


def _generic_failure() -> str:
    return _("账号或密码不正确。")


def _throttled_message() -> str:
    return _("本地址登录失败次数过多，请 %(m)d 分钟后再试。") % {"m": settings.JIGAI_LOGIN_IP_WINDOW_MINUTES}


def user_login_attempt(*, username: str, password: str, request: Any = None) -> User:
    """Check a password sign-in and apply the throttles (:mod:`jigai.accounts.throttle`).

    等保 2.0 (身份鉴别, 登录失败处理) without a denial of service or a leak: after
    ``JIGAI_LOGIN_MAX_FAILURES`` failures (default 5) a name is refused **from that client
    address** for ``JIGAI_LOCKOUT_MINUTES`` (default 30), so an anonymous client cannot lock the
    owner out; a client address with ``JIGAI_LOGIN_IP_MAX_FAILURES`` failures over any names is
    refused for ``JIGAI_LOGIN_IP_WINDOW_MINUTES``; ``JIGAI_LOGIN_ACCOUNT_MAX_FAILURES`` consecutive
    failures from anywhere lock the account itself. A wrong password, an unknown name and a locked
    name get the same answer after the same work (the password is always checked); the owner learns
    of a lock by notification. Every attempt, lock and throttle is audited.
    """
    username = (username or "").strip()
    ip = context.current().ip_address
    if throttle.address_blocked(ip):
        audit_record(
            actor=None,
            username=username,
            action="auth.login",
            outcome=Outcome.DENIED,
            message="客户端地址登录失败次数过多，暂停登录",
        )
        raise LoginRefused(_throttled_message(), throttled=True)
    user = User.objects.filter(username=username).select_related("organisation").first()
    # Always check the password, so that a locked or unknown name costs the same time.
    authenticated = authenticate(request, username=username, password=password)
    locked = throttle.pair_locked(username, ip) or (user is not None and user.is_locked)
    if locked:
        audit_record(
            actor=None,
            username=username,
            action="auth.login",
            obj=user,
            outcome=Outcome.DENIED,
            message="锁定期间尝试登录",
        )
        raise LoginRefused(_generic_failure())
    if authenticated is None:
        _register_failure(user, username, ip)
        raise LoginRefused(_generic_failure())
    assert isinstance(authenticated, User)
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(
            failed_login_count=0, locked_until=None, last_login=timezone.now()
        )
        audit_record(actor=authenticated, action="auth.login", obj=authenticated)
    throttle.clear_pair(username, ip)
    authenticated.refresh_from_db()
    return authenticated


def _notify_lock(user: User, message: str) -> None:
    """Tell the owner (in-app and by e-mail): the answer to the client never says so."""
    from jigai.notifications.services import notify

    notify(users=[user], verb=_("登录锁定"), message=message)


def _register_failure(user: User | None, username: str, ip: str | None) -> None:
    pair_locked_now, address_blocked_now = throttle.register_failure(username, ip)
    minutes = settings.JIGAI_LOCKOUT_MINUTES
    address = ip or "-"
    with transaction.atomic():
        if user is None:
            audit_record(
                actor=None,
                username=username,
                action="auth.login",
                outcome=Outcome.FAILURE,
                message="账号不存在",
            )
        else:
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
            account_max = settings.JIGAI_LOGIN_ACCOUNT_MAX_FAILURES
            if account_max and locked.failed_login_count >= account_max:
                locked.locked_until = timezone.now() + timedelta(minutes=minutes)
                locked.failed_login_count = 0
                update.append("locked_until")
                audit_record(
                    actor=None,
                    username=user.username,
                    action="auth.lockout",
                    obj=user,
                    message=f"连续 {account_max} 次登录失败，账户锁定 {minutes} 分钟",
                )
                _notify_lock(
                    user,
                    _("您的账号连续 %(n)d 次登录失败，已锁定 %(m)d 分钟。如非本人操作，请联系安全管理员。")
                    % {"n": account_max, "m": minutes},
                )
            locked.save(update_fields=update)
        if pair_locked_now:
            audit_record(
                actor=None,
                username=username,
                action="auth.lockout",
                obj=user,
                message=f"地址 {address} 连续 {settings.JIGAI_LOGIN_MAX_FAILURES} 次登录失败，"
                f"该账号在此地址暂停登录 {minutes} 分钟",
            )
            if user is not None:
                _notify_lock(
                    user,
                    _(
                        "您的账号从地址 %(ip)s 连续 %(n)d 次登录失败，该地址已暂停登录 %(m)d 分钟；"
                        "从其他地址登录不受影响。如非本人操作，请联系安全管理员。"
                    )
                    % {"ip": address, "n": settings.JIGAI_LOGIN_MAX_FAILURES, "m": minutes},
                )
        if address_blocked_now:
            audit_record(
                actor=None,
                username=username,
                action="auth.throttle",
                object_type="client.address",
                object_repr=address,
                message=f"地址 {address} 在 {settings.JIGAI_LOGIN_IP_WINDOW_MINUTES} 分钟内 "
                f"{settings.JIGAI_LOGIN_IP_MAX_FAILURES} 次登录失败，暂停登录",
            )


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
        _remember_password(candidate)
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


def user_unlock(*, actor: Any, user: User, break_glass_reason: str = "") -> User:
    """The security administrator lifts a lockout before it ends by itself: the account's own
    lock and the name's locks from every client address.

    ``break_glass_reason`` is the server-side emergency path (``manage.py unlock_admin``): it
    unlocks an administrator — the security administrator included — when no other security
    administrator can, and is audited as ``user.unlock_break_glass`` with the reason."""
    if break_glass_reason:
        if user.role not in ADMIN_ROLES:
            raise ValidationError(_("应急解锁只用于管理员账户；业务账户由安全管理员解锁。"))
    else:
        require(can_unlock_accounts(actor), "user.unlock")
    throttle.unlock_name(user.username)
    with transaction.atomic():
        before = snapshot(user, ["locked_until", "failed_login_count"])
        user.locked_until = None
        user.failed_login_count = 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        audit_record(
            actor=actor,
            action="user.unlock_break_glass" if break_glass_reason else "user.unlock",
            obj=user,
            changes=diff(before, snapshot(user, ["locked_until", "failed_login_count"])),
            message=break_glass_reason,
        )
    return user


def _remember_password(user: User) -> None:
    """Keep the new password's hash for the reuse rule, and only as many as the rule needs."""
    PasswordHistory.objects.create(
        user=user, password=user.password, created_at=user.password_changed_at or timezone.now()
    )
    keep = max(settings.JIGAI_PASSWORD_HISTORY, 1)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def user_change_password(*, actor: User, old_password: str, new_password: str) -> User:
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    check_password_policy(new_password, actor, field="new_password")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.password_changed_at = timezone.now()
        actor.save(update_fields=["password", "password_changed_at"])
        _remember_password(actor)
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
    try:
        # get(), not first(): the digest is unique, and first()'s ORDER BY costs every API request
        # a noticeable share of its time (bench/README.md)
        token = ApiToken.objects.select_related("user", "user__organisation").get(digest=token_digest(raw))
    except ApiToken.DoesNotExist:
        return None
    if not token.is_usable or not token.user.is_active or token.user.is_locked:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
