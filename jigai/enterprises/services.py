"""Writes of the enterprises app.

Credit-code exceptions (rules.md §4): "A few real codes issued early fail the check: an official
must be able to accept one with a recorded reason." An accepted exception lets exactly that code
through :func:`credit_code_acceptable`, which enterprise registration uses instead of the bare
GB 32100 check.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.services import audit_record
from jigai.core.permissions import Decision, has_role, require
from jigai.enterprises.models import CreditCodeException
from jigai.reference.codes import CodeCheck, check_credit_code, is_credit_code_shape, normalise_code

CREDIT_CODE_EXCEPTION_ROLES = (
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
)
CREDIT_CODE_EXCEPTION_MIN_REASON = 10


def can_manage_credit_code_exceptions(user: Any) -> Decision:
    """District and municipal officers and heads see and accept credit-code exceptions."""
    return has_role(user, CREDIT_CODE_EXCEPTION_ROLES, _("管理信用代码校验例外"))


def _refusal_for_existing(existing: CreditCodeException) -> ValidationError:
    when = timezone.localtime(existing.accepted_at).strftime("%Y-%m-%d")
    return ValidationError(
        {
            "code": _("代码 %(code)s 已于 %(when)s 由 %(who)s 接受为例外，无需重复接受。")
            % {"code": existing.code, "when": when, "who": existing.accepted_by}
        }
    )


def credit_code_exception_accept(*, actor: Any, code: str, reason: str) -> CreditCodeException:
    """Accept one early-issued credit code that fails the GB 32100 check, with the reason.

    Only district and municipal officers and heads may. The code must have the shape of a credit
    code (18 characters of the character set) and must actually fail the check: a valid code
    needs no exception, and accepting one would hide a typo. The reason (at least 10 characters)
    is kept with the exception and in the audit trail. A code is accepted once.
    """
    require(can_manage_credit_code_exceptions(actor), "credit_code_exception.accept")
    normalised = normalise_code(code)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not normalised:
        errors["code"] = _("请填写统一社会信用代码。")
    elif not is_credit_code_shape(normalised):
        errors["code"] = _(
            "“%(code)s”不是统一社会信用代码的格式（18 位数字或除 I、O、S、V、Z 以外的大写字母），"
            "不能作为例外接受。"
        ) % {"code": normalised}
    elif check_credit_code(normalised).valid:
        errors["code"] = _("代码 %(code)s 通过了国家标准校验，无需作为例外接受。") % {"code": normalised}
    if len(reason) < CREDIT_CODE_EXCEPTION_MIN_REASON:
        errors["reason"] = _("请说明接受理由（至少 %(n)d 个字），例如核对营业执照原件的情况。") % {
            "n": CREDIT_CODE_EXCEPTION_MIN_REASON
        }
    if errors:
        raise ValidationError(errors)
    existing = CreditCodeException.objects.select_related("accepted_by").filter(code=normalised).first()
    if existing is not None:
        raise _refusal_for_existing(existing)
    failures = check_credit_code(normalised).errors
    try:
        with transaction.atomic():
            exception = CreditCodeException.objects.create(code=normalised, reason=reason, accepted_by=actor)
            audit_record(
                actor=actor,
                action="credit_code_exception.accept",
                obj=exception,
                changes={
                    "code": {"before": None, "after": normalised},
                    "reason": {"before": None, "after": reason},
                },
                message="；".join(failures),
            )
    except IntegrityError:
        # Another official accepted the same code between the check above and the insert.
        existing = CreditCodeException.objects.select_related("accepted_by").filter(code=normalised).first()
        if existing is None:
            raise
        raise _refusal_for_existing(existing) from None
    return exception


def credit_code_acceptable(code: str) -> CodeCheck:
    """The credit-code check enterprise registration uses: valid by GB 32100, or failing it but
    accepted as an exception (then valid, with the failures and the acceptance as warnings)."""
    result = check_credit_code(code)
    if result.valid or not is_credit_code_shape(result.code):
        return result
    exception = CreditCodeException.objects.select_related("accepted_by").filter(code=result.code).first()
    if exception is None:
        return result
    when = timezone.localtime(exception.accepted_at).strftime("%Y-%m-%d")
    accepted = _("该代码未通过国家标准校验，已于 %(when)s 由 %(who)s 作为例外接受，理由：%(reason)s") % {
        "when": when,
        "who": exception.accepted_by,
        "reason": exception.reason,
    }
    return CodeCheck(result.code, True, [], [*result.errors, *result.warnings, accepted], result.facts)
