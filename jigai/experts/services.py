"""The expert pool, the rubric of a call, who may do what in the expert review, and the reads
(selectors) every page and endpoint of the expert review starts from (issue 4, experts).

* **Pool** — an :class:`ExpertProfile` per user of role expert, kept by the commission's officer
  (:func:`expert_profile_upsert`): title, specialty, the catalog directions and industries the
  expert knows, and whether it may be drawn. Its employer is ``user.organisation``. The expert
  declares its own conflicts of interest (:func:`expert_conflict_declare`).
* **Rubric** — the criteria of a call, with weights summing to 100 and a maximum score each;
  defaults :data:`DEFAULT_RUBRIC`; editable by the officer until the first score, then frozen.
* **Visibility** — an expert sees its own assignments only, and an application only after
  declaring no conflict; nobody but the expert itself sees its scores before the panel closes
  (:func:`scores_visible`).

The draw is in :mod:`jigai.experts.draw`, declaration, scoring, aggregation and the
officer's actions in :mod:`jigai.experts.scoring`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.accounts.models import Organisation, User
from jigai.audit.services import audit_record
from jigai.calls.models import Call
from jigai.catalog.models import CatalogItem
from jigai.core.permissions import require
from jigai.core.text import join_list
from jigai.experts.models import (
    ExpertConflict,
    ExpertProfile,
    RubricCriterion,
)
from jigai.experts.permissions import can_act_as_expert, can_edit_rubric, can_manage_pool
from jigai.experts.selectors import current_catalog
from jigai.reference.codes import normalise_code
from jigai.reference.models import Industry

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal("100")


# --- Pool -------------------------------------------------------------------------------------
PROFILE_FIELDS = ("title", "specialty", "is_active")


def _profile_snapshot(profile: ExpertProfile) -> dict[str, Any]:
    return {
        "title": profile.title,
        "specialty": profile.specialty,
        "is_active": profile.is_active,
        "directions": sorted(profile.directions.values_list("code", flat=True)),
        "industries": sorted(profile.industries.values_list("code", flat=True)),
    }


def expert_profile_upsert(
    *,
    actor: Any,
    user: User,
    title: str = "",
    specialty: str = "",
    direction_codes: Sequence[str] = (),
    industry_codes: Sequence[str] = (),
    is_active: bool = True,
) -> ExpertProfile:
    """Put a user of role expert in the pool, or change its entry (the commission's officer).

    Directions are codes of the newest published catalog (a field's code covers its directions);
    industries are GB/T 4754 codes (a section letter covers its divisions). The employer is the
    user's organisation, which the conflict-of-interest rules read.
    """
    require(can_manage_pool(actor), "review.expert.upsert")
    errors: dict[str, str] = {}
    if user.role != Role.EXPERT:
        errors["user"] = _("只有角色为“评审专家”的账户可以纳入专家库（%(u)s 是%(r)s）。") % {
            "u": user.username,
            "r": user.get_role_display(),
        }
    title, specialty = (title or "").strip(), (specialty or "").strip()
    if len(title) > 60:
        errors["title"] = _("职称不能超过 60 个字。")
    if len(specialty) > 200:
        errors["specialty"] = _("专业领域不能超过 200 个字。")
    codes = list(dict.fromkeys(c.strip() for c in direction_codes if c and c.strip()))
    directions: list[CatalogItem] = []
    if codes:
        catalog = current_catalog()
        found = {i.code: i for i in CatalogItem.objects.filter(version=catalog, code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if catalog is None or unknown:
            errors["direction_codes"] = _("现行支持目录中没有编号为“%(c)s”的条目。") % {
                "c": join_list(unknown or codes)
            }
        directions = [found[c] for c in codes if c in found]
    industry_list = list(dict.fromkeys(c.strip().upper() for c in industry_codes if c and c.strip()))
    industries = list(Industry.objects.filter(code__in=industry_list))
    unknown_industries = sorted(set(industry_list) - {i.code for i in industries})
    if unknown_industries:
        errors["industry_codes"] = _("没有行业代码“%(c)s”（国民经济行业分类门类或大类）。") % {
            "c": join_list(unknown_industries)
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, created = ExpertProfile.objects.select_for_update().get_or_create(user=user)
        before = {} if created else _profile_snapshot(profile)
        profile.title, profile.specialty, profile.is_active = title, specialty, is_active
        profile.save()
        profile.directions.set(directions)
        profile.industries.set(industries)
        after = _profile_snapshot(profile)
        changes = {k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v}
        audit_record(
            actor=actor,
            action="review.expert.create" if created else "review.expert.update",
            obj=profile,
            changes=changes,
        )
    return profile


def organisation_lookup(text: str) -> Organisation | None:
    """The organisation an expert names for a conflict: by its exact credit code or exact name
    (experts cannot browse the organisations, so nothing is listed)."""
    text = (text or "").strip()
    if not text:
        return None
    code = normalise_code(text)
    return (
        Organisation.objects.filter(credit_code=code).first()
        or Organisation.objects.filter(name=text).order_by("pk").first()
    )


def _own_profile(actor: Any, action: str) -> ExpertProfile:
    require(can_act_as_expert(actor), action)
    profile = ExpertProfile.objects.filter(user=actor).first()
    if profile is None:
        raise ValidationError(_("您尚未纳入评审专家库，请联系市经信委。"))
    return profile


def expert_conflict_declare(*, actor: Any, organisation: Organisation, reason: str) -> ExpertConflict:
    """The expert declares a conflict of interest with an organisation (an applicant, its parent, a
    former employer…): it will not be drawn for that organisation's applications, nor for those of
    organisations related to it. Its own employer is excluded without declaring."""
    profile = _own_profile(actor, "review.expert.conflict_declare")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明与该单位的关联情况。")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("关联情况不能超过 300 个字。")})
    if organisation.pk == actor.organisation_id:
        raise ValidationError({"organisation": _("您的工作单位已自动回避，无需申报。")})
    if ExpertConflict.objects.filter(expert=profile, organisation=organisation).exists():
        raise ValidationError({"organisation": _("已申报过与“%(o)s”的利益关联。") % {"o": organisation.name}})
    with transaction.atomic():
        conflict = ExpertConflict.objects.create(expert=profile, organisation=organisation, reason=reason)
        audit_record(
            actor=actor,
            action="review.expert.conflict_declare",
            obj=profile,
            changes={"declared_conflicts": {"before": None, "after": organisation.pk}},
            message=f"{organisation.name}：{reason}",
        )
    return conflict


def expert_conflict_withdraw(*, actor: Any, organisation: Organisation) -> None:
    """The expert withdraws a conflict it declared (audited)."""
    profile = _own_profile(actor, "review.expert.conflict_withdraw")
    conflict = ExpertConflict.objects.filter(expert=profile, organisation=organisation).first()
    if conflict is None:
        raise Http404(_("未申报过与该单位的利益关联。"))
    with transaction.atomic():
        conflict.delete()
        audit_record(
            actor=actor,
            action="review.expert.conflict_withdraw",
            obj=profile,
            changes={"declared_conflicts": {"before": organisation.pk, "after": None}},
            message=f"{organisation.name}：{conflict.reason}",
        )


# --- Rubric -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    weight: Decimal | str  # text from a form is checked by rubric_update
    max_score: Decimal | str = HUNDRED


#: the default rubric of a call (weights in percent, summing to 100; each scored out of 100)
DEFAULT_RUBRIC: tuple[CriterionSpec, ...] = (
    CriterionSpec("technical_advancement", "技术先进性", Decimal("30")),
    CriterionSpec("economic_benefit", "经济效益", Decimal("25")),
    CriterionSpec("implementation_capacity", "实施能力", Decimal("20")),
    CriterionSpec("investment_reasonableness", "投资合理性", Decimal("15")),
    CriterionSpec("catalog_fit", "符合支持目录", Decimal("10")),
)
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def rubric_criteria(call: Call) -> list[RubricCriterion]:
    """The call's criteria in order; the defaults (not saved) when the officer has set none."""
    saved = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
    if saved:
        return saved
    return [
        RubricCriterion(
            call=call, code=s.code, name=s.name, weight=s.weight, max_score=s.max_score, sort_order=n
        )
        for n, s in enumerate(DEFAULT_RUBRIC, start=1)
    ]


def rubric_ensure(call: Call) -> list[RubricCriterion]:
    """The call's saved criteria, saving the defaults first when there are none (the draw does this,
    so that scores always refer to saved criteria)."""
    criteria = rubric_criteria(call)
    if criteria and criteria[0].pk is None:
        RubricCriterion.objects.bulk_create(criteria)
        criteria = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
    return criteria


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _clean_rubric(criteria: Sequence[CriterionSpec]) -> list[tuple[str, str, Decimal, Decimal]]:
    errors: dict[str, str] = {}
    if not criteria:
        raise ValidationError({"criteria": _("评分细则至少需要一个评分项。")})
    if len(criteria) > 20:
        raise ValidationError({"criteria": _("评分项不能超过 20 个。")})
    clean: list[tuple[str, str, Decimal, Decimal]] = []
    codes: set[str] = set()
    names: set[str] = set()
    for n, spec in enumerate(criteria):
        code, name = (spec.code or "").strip(), (spec.name or "").strip()
        weight, max_score = _decimal(spec.weight), _decimal(spec.max_score)
        where = f"criteria.{n}"
        if not _CODE_RE.match(code):
            errors[f"{where}.code"] = _("代码须以小写字母开头，只含小写字母、数字和下划线，最长 30 个字符。")
        elif code in codes:
            errors[f"{where}.code"] = _("代码“%(c)s”重复。") % {"c": code}
        if not name or len(name) > 60:
            errors[f"{where}.name"] = _("请填写评分项名称（不超过 60 个字）。")
        elif name in names:
            errors[f"{where}.name"] = _("评分项“%(n)s”重复。") % {"n": name}
        if weight is None or not Decimal("0") < weight <= HUNDRED or weight != weight.quantize(TWO_PLACES):
            errors[f"{where}.weight"] = _("权重须大于 0、不超过 100，最多两位小数。")
        if (
            max_score is None
            or not Decimal("0") < max_score <= Decimal("1000")
            or max_score != max_score.quantize(TWO_PLACES)
        ):
            errors[f"{where}.max_score"] = _("满分须大于 0、不超过 1000，最多两位小数。")
        codes.add(code)
        names.add(name)
        if weight is not None and max_score is not None:
            clean.append((code, name, weight, max_score))
    if errors:
        raise ValidationError(errors)
    total = sum((c[2] for c in clean), Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            {"criteria": _("各评分项权重之和须为 100，现为 %(t)s。") % {"t": f"{total.normalize():f}"}}
        )
    return clean


def rubric_update(*, actor: Any, call: Call, criteria: Sequence[CriterionSpec]) -> list[RubricCriterion]:
    """Replace the call's rubric (the commission's officer): weights sum to 100, each criterion has
    a maximum score; refused once an expert has scored (the rubric is then frozen)."""
    require(can_edit_rubric(actor, call), "review.rubric.update")
    clean = _clean_rubric(criteria)
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        require(can_edit_rubric(actor, call), "review.rubric.update")
        before = [[c.code, c.name, str(c.weight), str(c.max_score)] for c in rubric_criteria(call)]
        RubricCriterion.objects.filter(call=call).delete()
        RubricCriterion.objects.bulk_create(
            RubricCriterion(call=call, code=code, name=name, weight=weight, max_score=max_score, sort_order=n)
            for n, (code, name, weight, max_score) in enumerate(clean, start=1)
        )
        saved = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
        after = [[c.code, c.name, str(c.weight), str(c.max_score)] for c in saved]
        audit_record(
            actor=actor,
            action="review.rubric.update",
            obj=call,
            changes={"rubric": {"before": before, "after": after}} if before != after else {},
        )
    return saved
