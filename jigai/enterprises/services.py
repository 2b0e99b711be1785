"""Writes of the enterprises app: credit-code exceptions; registration, the district's
confirmation, the profile and the enterprise's accounts (below).

Credit-code exceptions (rules.md §4): "A few real codes issued early fail the check: an official
must be able to accept one with a recorded reason." An accepted exception lets exactly that code
through :func:`credit_code_acceptable`, which enterprise registration uses instead of the bare
GB 32100 check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.accounts.services import check_password_policy
from jigai.audit.services import audit_record, diff, snapshot
from jigai.core.permissions import Decision, has_role, require
from jigai.core.text import join_messages
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import CreditCodeException, Enterprise
from jigai.enterprises.profile import (
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    clean_profile,
    duplicate_code_message,
    profile_of,
)
from jigai.enterprises.workflow import (
    TRANSITIONS,
    can_add_enterprise_user,
    can_edit_enterprise_profile,
    can_transition,
    status_problem,
)
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
                message=join_messages(failures),
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


# --- Registration, confirmation and the profile ------------------------------------------------
# Issue 3: "Registration of an enterprise account … The district bureau confirms a new enterprise
# before it can apply. An enterprise can have several users." The workflow table is in
# jigai/enterprises/workflow.py; the profile's field rules in jigai/enterprises/profile.py.

ENTERPRISE_MAX_USERS = 20
REJECTION_MIN_REASON = 5
REJECTION_MAX_REASON = 1000
_STATUS_FIELDS = ["status", "confirmed_by", "confirmed_at", "rejection_reason"]
IDENTITY_LABELS = {
    "credit_code": gettext_lazy("统一社会信用代码"),
    "name": gettext_lazy("企业名称"),
    "district": gettext_lazy("所在区"),
}


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    else:
        errors.setdefault(NON_FIELD_ERRORS, []).extend(exc.messages)


def _username_taken(username: str) -> str:
    return _("账号“%(u)s”已被使用，请换一个账号。") % {"u": username}


def _enterprise_user_candidate(
    *,
    username: str,
    password: str,
    display_name: str,
    phone: str,
    email: str,
    organisation: Organisation | None,
    errors: dict[str, list[str]],
) -> User:
    """An unsaved enterprise account, its problems added to ``errors`` (account rules as
    :func:`jigai.accounts.services.user_create`: the model's own field rules and the password policy)."""
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    candidate = User(
        username=username,
        role=Role.ENTERPRISE,
        organisation=organisation,
        display_name=display_name,
        phone=(phone or "").strip(),
        email=(email or "").strip(),
    )
    if not username:
        errors.setdefault("username", []).append(_("请填写登录账号。"))
    elif User.objects.filter(username=username).exists():
        errors.setdefault("username", []).append(_username_taken(username))
    if not display_name:
        errors.setdefault("display_name", []).append(_("请填写账号使用人的姓名。"))
    try:
        candidate.full_clean(exclude=["password", "organisation", "role"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field == "username" and not username:
                continue
            errors.setdefault(field, []).extend(messages)
    if not password:
        errors.setdefault("password", []).append(_("请设置登录密码。"))
    else:
        try:
            check_password_policy(password, candidate, field="password")
        except ValidationError as exc:
            _merge(errors, exc)
    return candidate


def _save_new_user(candidate: User, password: str) -> None:
    candidate.set_password(password)
    candidate.password_changed_at = timezone.now()
    candidate.save()


def _integrity_refusal(*, credit_code: str | None, username: str) -> ValidationError:
    """What a unique constraint that fired at insert (a concurrent registration) means for the user."""
    if credit_code and Organisation.objects.filter(credit_code=credit_code).exists():
        return ValidationError({"credit_code": duplicate_code_message()})
    if User.objects.filter(username=username).exists():
        return ValidationError({"username": _username_taken(username)})
    return ValidationError(_("注册信息与已有记录冲突，请核对后重试。"))


def _registration_check(
    *, data: Mapping[str, Any], username: str, password: str, display_name: str, phone: str, email: str
) -> tuple[dict[str, Any], User, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    try:
        values = clean_profile(data, credit_check=credit_code_acceptable)
    except ValidationError as exc:
        _merge(errors, exc)
    candidate = _enterprise_user_candidate(
        username=username,
        password=password,
        display_name=display_name,
        phone=phone,
        email=email,
        organisation=None,
        errors=errors,
    )
    return values, candidate, errors


def enterprise_registration_problems(
    *,
    data: Mapping[str, Any],
    username: str,
    password: str,
    display_name: str,
    phone: str = "",
    email: str = "",
) -> dict[str, list[str]]:
    """What :func:`enterprise_register` would refuse, by field, without saving anything (a page
    whose own form check failed still shows every other problem at once)."""
    return _registration_check(
        data=data, username=username, password=password, display_name=display_name, phone=phone, email=email
    )[2]


def enterprise_register(
    *,
    data: Mapping[str, Any],
    username: str,
    password: str,
    display_name: str,
    phone: str = "",
    email: str = "",
) -> Enterprise:
    """Public self-registration of an enterprise with its first user account.

    Checks the profile (:func:`jigai.enterprises.profile.clean_profile`: credit code by GB 32100
    or an accepted exception and not registered before, a Shanghai district, an industry section
    or division, employees and revenue ≥ 0 with the size computed) and the account (a free
    username, the password policy of 等保 2.0), all problems at once. Then, in one transaction,
    creates the organisation (kind enterprise), the enterprise awaiting the district's
    confirmation, and the user (role enterprise), and audits both; nothing is saved on failure.
    """
    values, candidate, errors = _registration_check(
        data=data, username=username, password=password, display_name=display_name, phone=phone, email=email
    )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=values["name"],
                kind=OrganisationKind.ENTERPRISE,
                credit_code=values["credit_code"],
                district=values["district"],
            )
            candidate.organisation = organisation
            _save_new_user(candidate, password)
            enterprise = Enterprise.objects.create(
                organisation=organisation,
                status=EnterpriseStatus.PENDING,
                registered_by=candidate,
                **values,
            )
            audit_record(
                actor=candidate,
                action="enterprise.register",
                obj=enterprise,
                changes=diff({}, snapshot(enterprise, [*PROFILE_FIELDS, "size", "status"])),
            )
            audit_record(
                actor=candidate,
                action="user.create",
                obj=candidate,
                changes=diff({}, snapshot(candidate, ["username", "role", "organisation", "display_name"])),
                message="企业自助注册",
            )
    except IntegrityError:
        raise _integrity_refusal(credit_code=values.get("credit_code"), username=candidate.username) from None
    return enterprise


def _ensure_visible(actor: Any, enterprise: Enterprise) -> None:
    """An enterprise outside the actor's scope does not exist for the actor (404, never 403)."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise Enterprise.DoesNotExist(_("企业不存在，或不在您的查看范围内。"))


def enterprise_transition(*, actor: Any, enterprise: Enterprise, name: str, reason: str = "") -> Enterprise:
    """Perform one transition of the confirmation workflow (jigai/enterprises/workflow.py) and
    record it: the enterprise is locked, its status checked again inside the transaction (two
    officers clicking at once: the second is told it is no longer pending)."""
    transition = TRANSITIONS[name]
    _ensure_visible(actor, enterprise)
    require(can_transition(actor, enterprise, name), f"enterprise.{name}")
    reason = (reason or "").strip()
    if name == "reject":
        if len(reason) < REJECTION_MIN_REASON:
            raise ValidationError(
                {
                    "reason": _("请填写退回原因（至少 %(n)d 个字），告诉企业需要更正什么。")
                    % {"n": REJECTION_MIN_REASON}
                }
            )
        if len(reason) > REJECTION_MAX_REASON:
            raise ValidationError(
                {"reason": _("退回原因不能超过 %(n)d 个字。") % {"n": REJECTION_MAX_REASON}}
            )
    with transaction.atomic():
        locked: Enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        problem = status_problem(locked, name)
        if problem:
            raise ValidationError(problem)
        before = snapshot(locked, _STATUS_FIELDS)
        locked.status = transition.target
        if name in ("confirm", "reject"):
            locked.confirmed_by = actor
            locked.confirmed_at = timezone.now()
            locked.rejection_reason = reason if name == "reject" else ""
        locked.save(update_fields=_STATUS_FIELDS)
        audit_record(
            actor=actor,
            action=f"enterprise.{name}",
            obj=locked,
            changes=diff(before, snapshot(locked, _STATUS_FIELDS)),
            message=reason,
        )
    return locked


def enterprise_confirm(*, actor: Any, enterprise: Enterprise) -> Enterprise:
    """The district confirms a registration awaiting confirmation: the enterprise may then apply."""
    return enterprise_transition(actor=actor, enterprise=enterprise, name="confirm")


def enterprise_reject(*, actor: Any, enterprise: Enterprise, reason: str) -> Enterprise:
    """The district returns a registration awaiting confirmation, saying what to correct; the
    enterprise corrects its data and is pending again (:func:`enterprise_update_profile`)."""
    return enterprise_transition(actor=actor, enterprise=enterprise, name="reject", reason=reason)


def enterprise_update_profile(*, actor: Any, enterprise: Enterprise, data: Mapping[str, Any]) -> Enterprise:
    """The enterprise's own users correct or update its profile.

    ``data`` may hold part of the profile; the rest keeps its current value. The same field
    rules as registration apply. Once the district has confirmed the enterprise, its credit code,
    name and district cannot change (a refusal on each field says whom to ask). A rejected
    registration whose data changed is resubmitted: pending again, for the district to confirm.
    The organisation record follows the enterprise's name, code and district.
    """
    _ensure_visible(actor, enterprise)
    require(can_edit_enterprise_profile(actor, enterprise), "enterprise.update")
    with transaction.atomic():
        locked: Enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        current = profile_of(locked)
        merged = {**current, **{k: v for k, v in data.items() if k in PROFILE_FIELDS}}
        values = clean_profile(merged, current=locked, credit_check=credit_code_acceptable)
        if locked.status == EnterpriseStatus.CONFIRMED:
            locked_errors = {
                field: _("企业信息已经区经委确认，%(field)s不能修改；如确需变更，请联系所在区经委。")
                % {"field": IDENTITY_LABELS[field]}
                for field in IDENTITY_FIELDS
                if _value_key(values[field]) != current[field]
            }
            if locked_errors:
                raise ValidationError(locked_errors)
        fields = [*PROFILE_FIELDS, "size"]
        before = snapshot(locked, fields)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = diff(before, snapshot(locked, fields))
        if not changes:
            return locked
        update = list(fields)
        resubmit = locked.status == EnterpriseStatus.REJECTED
        if resubmit:
            locked.status = EnterpriseStatus.PENDING
            changes["status"] = {"before": EnterpriseStatus.REJECTED, "after": EnterpriseStatus.PENDING}
            update.append("status")
        locked.save(update_fields=update)
        if {"name", "credit_code", "district"} & changes.keys():
            Organisation.objects.filter(pk=locked.organisation_id).update(
                name=locked.name, credit_code=locked.credit_code, district=locked.district
            )
        audit_record(
            actor=actor,
            action="enterprise.resubmit" if resubmit else "enterprise.update",
            obj=locked,
            changes=changes,
        )
    return locked


def _value_key(value: Any) -> Any:
    """A profile value as :func:`profile_of` gives it (a district or an industry by its code)."""
    return getattr(value, "pk", value)


def enterprise_user_add(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str,
    phone: str = "",
    email: str = "",
) -> User:
    """An enterprise user adds a colleague's account (role enterprise) to its own enterprise, with
    the password policy of 等保 2.0; at most :data:`ENTERPRISE_MAX_USERS` accounts per enterprise."""
    require(can_add_enterprise_user(actor), "enterprise.user_add")
    organisation = actor.organisation
    errors: dict[str, list[str]] = {}
    if User.objects.filter(organisation=organisation).count() >= ENTERPRISE_MAX_USERS:
        raise ValidationError(
            _("每家企业最多 %(n)d 个账号；请先请安全管理员停用不再使用的账号。") % {"n": ENTERPRISE_MAX_USERS}
        )
    candidate = _enterprise_user_candidate(
        username=username,
        password=password,
        display_name=display_name,
        phone=phone,
        email=email,
        organisation=organisation,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _save_new_user(candidate, password)
            audit_record(
                actor=actor,
                action="user.create",
                obj=candidate,
                changes=diff({}, snapshot(candidate, ["username", "role", "organisation", "display_name"])),
                message="企业用户添加同事账号",
            )
    except IntegrityError:
        raise ValidationError({"username": _username_taken(candidate.username)}) from None
    return candidate
