"""Two-factor sign-in (等保 2.0 三级: 两种或两种以上组合的鉴别技术) with django-otp.

* A TOTP authenticator app (RFC 6238, 6 digits, 30 s) plus ten one-time backup codes.
* Required for every role in ``JIGAI_OTP_REQUIRED_ROLES`` (all but enterprise users, by default);
  optional for enterprise users, who may enrol — once enrolled, the second factor is asked of them
  too.
* A code cannot be used twice: django-otp's TOTP device refuses a time step at or before the last
  one used, and a backup code is deleted when used.
* Enrolment (by the user, at the first sign-in after the password) and reset (by the security
  administrator) are audited; failed codes count against the sign-in throttles.
* ``JIGAI_OTP_DEMO_EXEMPT`` (demo and e2e only; refused by the deploy check) lets accounts
  without an authenticator sign in with the password alone; enrolled accounts still need a code.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigai.accounts import throttle
from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.audit.choices import Outcome
from jigai.audit.services import audit_record
from jigai.core import context
from jigai.core.permissions import Decision, has_role, require

BACKUP_CODES = 10
TOTP_NAME = "authenticator"
BACKUP_NAME = "backup"


def otp_required(user: Any) -> bool:
    """Whether ``user`` must have a second factor before using the platform."""
    if getattr(settings, "JIGAI_OTP_DEMO_EXEMPT", False):
        return False
    return getattr(user, "role", None) in settings.JIGAI_OTP_REQUIRED_ROLES


def has_device(user: Any) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def enrol_start(*, actor: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for ``actor`` (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def otpauth_uri(device: TOTPDevice) -> str:
    """The URI an authenticator app reads (also shown as text to type in)."""
    issuer = quote(str(settings.OTP_TOTP_ISSUER))
    label = quote(f"{settings.OTP_TOTP_ISSUER}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?secret={secret_base32(device)}&issuer={issuer}&digits=6&period=30"


def enrol_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns the backup codes (shown once)."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError({"token": _("请重新开始绑定。")})
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"token": _("验证码不正确，请核对手机时间后重试。")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(actor)
        audit_record(actor=actor, action="otp.enrol", obj=actor, message="绑定身份验证器，生成备用码")
    return codes


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


class OTPRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def otp_verify(*, user: User, token: str) -> Device:
    """The device that accepts ``token`` for ``user`` (which then never accepts it again).

    Failed codes count against the same throttles as passwords (per name and client address, per
    address), so six digits cannot be guessed at will."""
    ip = context.current().ip_address
    if throttle.address_blocked(ip) or throttle.pair_locked(user.username, ip):
        audit_record(actor=None, username=user.username, action="auth.otp", obj=user, outcome=Outcome.DENIED)
        raise OTPRefused(_("验证失败次数过多，请稍后再试。"))
    device = match_token(user, (token or "").replace(" ", "").strip())
    if device is None:
        throttle.register_failure(user.username, ip)
        audit_record(
            actor=None,
            username=user.username,
            action="auth.otp",
            obj=user,
            outcome=Outcome.FAILURE,
            message="动态验证码或备用码不正确（或已使用过）",
        )
        raise OTPRefused(_("验证码不正确或已使用过。"))
    audit_record(
        actor=user,
        action="auth.otp",
        obj=user,
        message="备用码" if isinstance(device, StaticDevice) else "动态验证码",
    )
    return device


def can_reset_otp(user: Any) -> Decision:
    return has_role(user, [Role.SECADMIN], _("重置两步验证"))


def otp_reset(*, actor: Any, user: User, reason: str = "") -> User:
    """The security administrator removes a user's authenticator and backup codes (a lost phone);
    the user enrols again at the next sign-in. Audited."""
    require(can_reset_otp(actor), "otp.reset")
    with transaction.atomic():
        removed = [d.persistent_id for d in devices_for_user(user, confirmed=None)]
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="otp.reset", obj=user, changes={"devices": removed}, message=reason)
    return user
