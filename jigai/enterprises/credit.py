"""Credit bars (失信限制申报): the check applications use, and recording a bar.

rules.md §3: "a violation is recorded on the public credit platform; the entity and the project
lead are barred from applying for 3 years" (bar length configurable: ``CallRules.credit_bar_years``
is the default a recording officer starts from). Recording bars belongs to supervision later;
:func:`credit_bar_record` lets municipal officers, heads and supervisors record one now, audited.

A person is identified by the resident identity card number (GB 11643-1999), checked here with its
check character so that a typo cannot silently miss a bar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.services import audit_record, diff, snapshot
from jigai.core.permissions import Decision, has_role, require
from jigai.enterprises.models import CreditBar, Enterprise
from jigai.reference.codes import normalise_code

DEFAULT_BAR_YEARS = 3
CREDIT_BAR_ROLES = (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD, Role.SUPERVISOR)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_char(first17: str) -> str:
    """GB 11643-1999 check character: Σ digit × weight mod 11, mapped through ``10X98765432``."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(raw: str | None) -> tuple[str, str | None]:
    """The normalised identity card number and the reason it is not valid (None when valid)."""
    number = normalise_code(raw)
    if not number:
        return number, _("请填写身份证号。")
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return number, _("身份证号应为 18 位：17 位数字加 1 位数字或 X，当前为“%(n)s”。") % {"n": number}
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return number, _("身份证号第 7–14 位出生日期“%(d)s”不是有效日期。") % {"d": number[6:14]}
    if id_number_check_char(number[:17]) != number[17]:
        return number, _("身份证号第 18 位校验码与前 17 位不符，请逐位核对。")
    return number, None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def credit_bar_for(
    enterprise: Enterprise | None, project_lead_id_number: str | None, on_date: dt.date
) -> CreditBar | None:
    """The bar in force on ``on_date`` for the enterprise or for the person with that identity card
    number (the one that ends last), or None."""
    subject = Q()
    if enterprise is not None:
        subject |= Q(enterprise=enterprise)
    number = normalise_code(project_lead_id_number)
    if number:
        subject |= Q(enterprise__isnull=True, person_id_number=number)
    if not subject:
        return None
    return (
        CreditBar.objects.filter(subject, starts_on__lte=on_date, ends_on__gte=on_date)
        .select_related("enterprise")
        .order_by("-ends_on", "-id")
        .first()
    )


def can_record_credit_bars(user: Any) -> Decision:
    return has_role(user, CREDIT_BAR_ROLES, _("登记失信限制申报记录"))


def credit_bar_record(
    *,
    actor: Any,
    reason: str,
    source_document: str,
    starts_on: dt.date,
    enterprise: Enterprise | None = None,
    person_name: str = "",
    person_id_number: str = "",
    ends_on: dt.date | None = None,
    years: int = DEFAULT_BAR_YEARS,
) -> CreditBar:
    """Record a bar on one subject: an enterprise, or a person (name and identity card number).

    Without ``ends_on`` the bar lasts ``years`` (default 3, rules.md §3) from ``starts_on``: it ends
    the day before the same date ``years`` later. Municipal officers and heads and supervisors only.
    """
    require(can_record_credit_bars(actor), "credit_bar.record")
    errors: dict[str, str] = {}
    person_name = (person_name or "").strip()
    number = ""
    if enterprise is not None and (person_name or person_id_number):
        errors["enterprise"] = _("一条记录只针对一个对象：企业或个人，不能同时填写。")
    elif enterprise is None:
        number, problem = check_id_number(person_id_number)
        if problem:
            errors["person_id_number"] = problem
        if not person_name:
            errors["person_name"] = _("请填写受限人员姓名。")
    reason = (reason or "").strip()
    source_document = (source_document or "").strip()
    if not reason:
        errors["reason"] = _("请填写失信事由。")
    if not source_document:
        errors["source_document"] = _("请填写信用平台记录或文书编号。")
    if ends_on is None:
        if years < 1:
            errors["years"] = _("限制年限至少 1 年。")
        else:
            ends_on = add_years(starts_on, years) - dt.timedelta(days=1)
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("限制截止日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    assert ends_on is not None
    with transaction.atomic():
        bar = CreditBar.objects.create(
            enterprise=enterprise,
            person_name=person_name if enterprise is None else "",
            person_id_number=number if enterprise is None else "",
            reason=reason,
            source_document=source_document,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
        )
        fields = ["enterprise", "person_name", "person_id_number", "source_document", "starts_on", "ends_on"]
        audit_record(
            actor=actor,
            action="credit_bar.record",
            obj=bar,
            changes=diff({}, snapshot(bar, fields)),
            message=reason,
        )
    return bar
