"""Writing calls for applications (申报通知) and their rules.

A municipal officer (市经信委经办人) drafts a call, which starts with rules version 1 filled with the
2026 call's defaults (:mod:`jigai.calls.defaults`); while it is a draft, the call and its rules are
edited in place. The municipal head (市经信委负责人) publishes it: from then on the call is not edited
and its rules are frozen — a change is a new rules version (N+1, copied with the change and a
note), which the applications submitted afterwards record. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.services import audit_record, diff, snapshot
from jigai.calls.choices import CallStatus
from jigai.calls.defaults import SHANGHAI
from jigai.calls.models import Call, CallRules
from jigai.calls.rules import (
    RULE_FIELDS,
    Problems,
    RulesChildren,
    children_of,
    children_problems,
    children_snapshot,
    default_children,
    default_rule_values,
    rule_value_problems,
    rules_problems,
    save_children,
)
from jigai.catalog.choices import CatalogItemKind, CatalogStatus
from jigai.catalog.models import CatalogItem, CatalogVersion
from jigai.core.permissions import ALLOW, Decision, deny, has_role, require
from jigai.core.text import join_list

CALL_FIELDS = [
    "title",
    "year",
    "document_number",
    "description",
    "opens_at",
    "closes_at",
    "district_forward_date",
    "budget",
    "catalog_version",
]
_EDITABLE = {
    "title",
    "year",
    "document_number",
    "description",
    "opens_at",
    "closes_at",
    "district_forward_date",
    "budget",
    "catalog_version",
    "direction_codes",
}


# --- Permission checks ------------------------------------------------------------------------
def can_draft_call(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("起草和修改申报通知"))


def can_edit_call(user: Any, call: Call) -> Decision:
    decision = can_draft_call(user)
    if not decision:
        return decision
    if call.status == CallStatus.PUBLISHED:
        return deny(_("申报通知已发布，不能直接修改；如需调整申报规则，请由市经信委负责人发布新版本规则。"))
    if call.status != CallStatus.DRAFT:
        return deny(_("申报通知%(status)s，不能修改。") % {"status": call.get_status_display()})
    return ALLOW


def can_publish_call(user: Any, call: Call) -> Decision:
    decision = has_role(user, [Role.MUNICIPAL_HEAD], _("发布申报通知"))
    if not decision:
        return decision
    if call.status != CallStatus.DRAFT:
        return deny(_("只能发布草稿；该申报通知%(status)s。") % {"status": call.get_status_display()})
    return ALLOW


def can_revise_call_rules(user: Any, call: Call) -> Decision:
    """A change to a published call's rules is itself a publication, so it is the head's."""
    decision = has_role(user, [Role.MUNICIPAL_HEAD], _("修订已发布申报通知的规则"))
    if not decision:
        return decision
    if call.status != CallStatus.PUBLISHED:
        return deny(_("只有已发布的申报通知需要发布新版本规则；草稿可直接修改。"))
    return ALLOW


def can_cancel_call(user: Any, call: Call) -> Decision:
    decision = has_role(user, [Role.MUNICIPAL_HEAD], _("撤销申报通知"))
    if not decision:
        return decision
    if call.status == CallStatus.CANCELLED:
        return deny(_("该申报通知已撤销。"))
    return ALLOW


# --- Checks -----------------------------------------------------------------------------------
def shanghai_time(value: datetime) -> datetime:
    """A moment entered without a zone is Shanghai time (the call's window is published that way)."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=SHANGHAI)
    return value


def window_problems(
    opens_at: datetime | None, closes_at: datetime | None, district_forward_date: date | None
) -> Problems:
    problems: Problems = {}
    if opens_at is None:
        problems["opens_at"] = [_("请填写申报开始时间。")]
    if closes_at is None:
        problems["closes_at"] = [_("请填写申报截止时间。")]
    if district_forward_date is None:
        problems["district_forward_date"] = [_("请填写区推荐截止日期。")]
    if opens_at and closes_at and closes_at <= opens_at:
        problems["closes_at"] = [_("申报截止时间须晚于申报开始时间。")]
    elif closes_at and district_forward_date:
        closing_day = timezone.localtime(closes_at, SHANGHAI).date()
        if district_forward_date <= closing_day:
            problems["district_forward_date"] = [
                _("区推荐截止日期须晚于申报截止日期（%(day)s）。") % {"day": closing_day.isoformat()}
            ]
    return problems


def _direction_items(version: CatalogVersion, codes: Sequence[str] | None) -> list[CatalogItem]:
    directions = CatalogItem.objects.filter(version=version, kind=CatalogItemKind.DIRECTION)
    if codes is None:
        return list(directions)
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = {d.code: d for d in directions.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {
                "direction_codes": _("支持目录“%(title)s”中没有支持方向 %(codes)s。")
                % {"title": version.title, "codes": join_list(unknown)}
            }
        )
    return [found[c] for c in wanted]


def call_publish_problems(call: Call) -> Problems:
    """What keeps a draft call from being published, whoever asks: a valid window, a published
    catalog version with at least one of its directions eligible, and valid rules."""
    problems = window_problems(call.opens_at, call.closes_at, call.district_forward_date)
    if call.catalog_version.status != CatalogStatus.PUBLISHED:
        problems.setdefault("catalog_version", []).append(
            _("所依据的支持目录“%(title)s”不是已发布的版本（现为%(status)s），请改用已发布的目录版本。")
            % {"title": call.catalog_version.title, "status": call.catalog_version.get_status_display()}
        )
    directions = call.directions.all()
    if not any(
        d.version_id == call.catalog_version_id and d.kind == CatalogItemKind.DIRECTION for d in directions
    ):
        problems.setdefault("direction_codes", []).append(_("请至少选择一个支持方向。"))
    elif any(d.version_id != call.catalog_version_id for d in directions):
        problems.setdefault("direction_codes", []).append(_("所选支持方向须属于本通知的支持目录版本。"))
    if call.current_rules is None:
        problems.setdefault("rules", []).append(_("申报通知缺少申报规则。"))
    else:
        for name, messages in rules_problems(call.current_rules).items():
            problems.setdefault(name, []).extend(messages)
    if not call.title.strip():
        problems.setdefault("title", []).append(_("请填写通知标题。"))
    return problems


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(problems)


def _check_call_values(values: Mapping[str, Any]) -> None:
    problems = window_problems(
        values.get("opens_at"), values.get("closes_at"), values.get("district_forward_date")
    )
    title = values.get("title", "")
    if not title:
        problems["title"] = [_("请填写通知标题。")]
    elif len(title) > 200:
        problems["title"] = [_("通知标题不能超过 200 个字符。")]
    year = values.get("year")
    if year is None or not 2000 <= year <= 2100:
        problems["year"] = [_("年度须在 2000 至 2100 之间。")]
    budget = values.get("budget")
    if budget is not None and budget < 0:
        problems["budget"] = [_("专项资金预算不能为负数。")]
    if len(values.get("document_number") or "") > 60:
        problems["document_number"] = [_("文号不能超过 60 个字符。")]
    version = values.get("catalog_version")
    if version is None:
        problems["catalog_version"] = [_("请选择支持目录版本。")]
    elif version.status == CatalogStatus.SUPERSEDED:
        problems["catalog_version"] = [
            _("支持目录“%(title)s”已被替代，请选择现行版本。") % {"title": version.title}
        ]
    _raise(problems)


# --- Calls ------------------------------------------------------------------------------------
def call_create(
    *,
    actor: Any,
    catalog_version: CatalogVersion,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    district_forward_date: date,
    year: int | None = None,
    document_number: str = "",
    description: str = "",
    budget: Decimal | None = None,
    direction_codes: Sequence[str] | None = None,
) -> Call:
    """A draft call with rules version 1 from the 2026 defaults: the eligibility and support values,
    the eligible investment items, prerequisites, attachment checklist, instalments and a district
    share row for each of the 16 districts. ``direction_codes`` None makes every direction of the
    catalog version eligible."""
    require(can_draft_call(actor), "call.create")
    opens_at, closes_at = shanghai_time(opens_at), shanghai_time(closes_at)
    values: dict[str, Any] = {
        "title": (title or "").strip(),
        "year": year or timezone.localtime(opens_at, SHANGHAI).year,
        "document_number": (document_number or "").strip(),
        "description": (description or "").strip(),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "district_forward_date": district_forward_date,
        "budget": budget,
        "catalog_version": catalog_version,
    }
    _check_call_values(values)
    directions = _direction_items(catalog_version, direction_codes)
    with transaction.atomic():
        call = Call.objects.create(created_by=actor, **values)
        call.directions.set(directions)
        rules = CallRules.objects.create(call=call, version=1, created_by=actor, **default_rule_values())
        save_children(rules, default_children())
        call.current_rules = rules
        call.save(update_fields=["current_rules"])
        audit_record(
            actor=actor,
            action="call.create",
            obj=call,
            changes=diff({}, {**snapshot(call, CALL_FIELDS), "directions": [d.code for d in directions]}),
        )
    return call


def call_update(*, actor: Any, call: Call, **changes: Any) -> Call:
    """Change a draft call (any of title, year, document_number, description, opens_at, closes_at,
    district_forward_date, budget, catalog_version, direction_codes). A published call is refused:
    its rules change only by :func:`call_rules_revise`."""
    require(can_edit_call(actor, call), "call.update")
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValidationError({name: _("该项不能修改。") for name in sorted(unknown)})
    direction_codes = changes.pop("direction_codes", None)
    for name in ("opens_at", "closes_at"):
        if changes.get(name) is not None:
            changes[name] = shanghai_time(changes[name])
    for name in ("title", "document_number", "description"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    values = {**{name: getattr(call, name) for name in CALL_FIELDS}, **changes}
    _check_call_values(values)
    version_changed = values["catalog_version"].pk != call.catalog_version_id
    directions = None
    if direction_codes is not None or version_changed:
        directions = _direction_items(values["catalog_version"], direction_codes)
    with transaction.atomic():
        before = {
            **snapshot(call, CALL_FIELDS),
            "directions": sorted(call.directions.values_list("code", flat=True)),
        }
        for name, value in changes.items():
            setattr(call, name, value)
        call.save()
        if directions is not None:
            call.directions.set(directions)
        after = {
            **snapshot(call, CALL_FIELDS),
            "directions": sorted(call.directions.values_list("code", flat=True)),
        }
        audit_record(actor=actor, action="call.update", obj=call, changes=diff(before, after))
    return call


def call_publish(*, actor: Any, call: Call) -> Call:
    """Publish a draft call and freeze its rules. Refused, with every problem by field, when the
    window is not valid (closing after opening, districts forwarding after the closing date), a
    rate is outside 0–1, the instalments do not add up to 100 %, or no direction of the call's
    (published) catalog version is eligible."""
    require(can_publish_call(actor, call), "call.publish")
    with transaction.atomic():
        locked = (
            Call.objects.select_for_update(of=("self",))
            .select_related("catalog_version", "current_rules")
            .get(pk=call.pk)
        )
        require(can_publish_call(actor, locked), "call.publish")
        _raise(call_publish_problems(locked))
        locked.status = CallStatus.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_by", "published_at"])
        assert locked.current_rules is not None
        CallRules.objects.filter(call=locked).update(frozen=True)
        audit_record(
            actor=actor,
            action="call.publish",
            obj=locked,
            changes={
                "status": {"before": CallStatus.DRAFT, "after": CallStatus.PUBLISHED},
                "rules_version": {"before": None, "after": locked.current_rules.version},
            },
        )
    call.refresh_from_db()
    return call


def call_cancel(*, actor: Any, call: Call, reason: str) -> Call:
    """Withdraw a call (draft or published), with the reason recorded."""
    require(can_cancel_call(actor, call), "call.cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明撤销原因。")})
    with transaction.atomic():
        before = call.status
        call.status = CallStatus.CANCELLED
        call.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="call.cancel",
            obj=call,
            changes={"status": {"before": before, "after": CallStatus.CANCELLED}},
            message=reason,
        )
    return call


# --- Rules ------------------------------------------------------------------------------------
def _clean_rule_values(values: Mapping[str, Any]) -> dict[str, Any]:
    problems = rule_value_problems(values)
    _raise(problems)
    return dict(values)


def _rules_snapshot(rules: CallRules) -> dict[str, Any]:
    return {**snapshot(rules, list(RULE_FIELDS)), **children_snapshot(rules)}


def call_rules_update(
    *,
    actor: Any,
    call: Call,
    values: Mapping[str, Any] | None = None,
    children: RulesChildren | None = None,
) -> CallRules:
    """Edit the rules of a draft call in place (``values``: scalar rule fields; ``children``: lists
    to replace, ``None`` lists untouched). Published calls are refused: see :func:`call_rules_revise`."""
    require(can_edit_call(actor, call), "call.rules.update")
    values = _clean_rule_values(values or {})
    children = children or RulesChildren()
    _raise(children_problems(children, complete=False))
    rules = call.current_rules
    assert rules is not None
    if rules.frozen:
        raise ValidationError(_("该版本规则已冻结，不能修改。"))
    with transaction.atomic():
        before = _rules_snapshot(rules)
        for name, value in values.items():
            setattr(rules, name, value)
        rules.save()
        save_children(rules, children)
        audit_record(
            actor=actor, action="call.rules.update", obj=rules, changes=diff(before, _rules_snapshot(rules))
        )
    return rules


def call_rules_revise(
    *,
    actor: Any,
    call: Call,
    note: str,
    values: Mapping[str, Any] | None = None,
    children: RulesChildren | None = None,
) -> CallRules:
    """A new rules version of a published call: version N+1 copies every child row of the current
    version, applies the change, is frozen at once and becomes the call's current rules. The note
    says what changed and why; applications already submitted keep the version they recorded."""
    require(can_revise_call_rules(actor, call), "call.rules.revise")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请说明本次规则变更的内容和原因。")})
    values = _clean_rule_values(values or {})
    children = children or RulesChildren()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        current = locked.current_rules
        assert current is not None
        require(can_revise_call_rules(actor, locked), "call.rules.revise")
        new = CallRules.objects.create(
            call=locked,
            version=(locked.rule_versions.order_by("-version").values_list("version", flat=True).first() or 0)
            + 1,
            frozen=True,
            note=note,
            created_by=actor,
            **{name: values.get(name, getattr(current, name)) for name in RULE_FIELDS},
        )
        copied = children_of(current)
        for name in (
            "investment_items",
            "prerequisites",
            "attachments",
            "instalments",
            "district_shares",
            "industries",
        ):
            if getattr(children, name) is not None:
                setattr(copied, name, getattr(children, name))
        save_children(new, copied)
        _raise(rules_problems(new))  # rolls the new version back
        before, after = _rules_snapshot(current), _rules_snapshot(new)
        if before == after:
            raise ValidationError(_("新版本规则与现行规则相同，无需发布新版本。"))
        locked.current_rules = new
        locked.save(update_fields=["current_rules"])
        audit_record(
            actor=actor,
            action="call.rules.revise",
            obj=locked,
            message=note,
            changes={
                "rules_version": {"before": current.version, "after": new.version},
                **diff(before, after),
            },
        )
    call.refresh_from_db()
    return new
