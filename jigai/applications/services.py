"""Writes of applications: create a draft, save it, and every change of status (rules.md §2–3).

Every status change goes through :func:`application_transition`, which performs a transition of
the table in :mod:`jigai.applications.workflow` (with its guards, checks and effects), writes the
history row and the audit event. :func:`application_submit` and :func:`application_withdraw` are
named entries to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.accounts.choices import Role
from jigai.applications import workflow
from jigai.applications.choices import ApplicationStatus
from jigai.applications.drafts import TEXT_FIELDS, VALUE_FIELDS, ApplicationDraft
from jigai.applications.eligibility import EDITABLE_STATUSES, compute_totals, rules_for
from jigai.applications.models import (
    Application,
    ApplicationTransition,
    InvestmentLine,
    OtherFunding,
    PrerequisiteRecord,
)
from jigai.applications.selectors import application_scope
from jigai.audit.services import audit_record, diff, snapshot
from jigai.calls.models import Call, CallRules
from jigai.catalog.models import CatalogItem
from jigai.core.permissions import ALLOW, Decision, NotNow, PermissionRefused, deny, has_role, require
from jigai.core.text import join_list
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.notifications.services import notifications_resolve, transition_notify
from jigai.reference.codes import normalise_code
from jigai.reference.models import District

STALE_MESSAGE = gettext_lazy("此申报已在其他窗口或由他人修改，请刷新后再保存")
#: fields of Application recorded (before/after) in the audit event of a saved draft
AUDITED_FIELDS = (
    *TEXT_FIELDS,
    *VALUE_FIELDS,
    "project_code",
    "site_district",
    "direction",
    "project_lead_id_number",
    "rules",
    "total_investment",
    "fixed_asset_investment",
    "fixed_asset_share",
    "requested_support",
)


class StaleDraft(ValidationError):
    """The draft was saved elsewhere since the user loaded it (optimistic locking)."""


# --- permissions ------------------------------------------------------------------------------
def _enterprise_of(user: Any) -> Enterprise | None:
    return (
        Enterprise.objects.select_related("organisation", "district")
        .filter(organisation_id=getattr(user, "organisation_id", None))
        .first()
    )


def can_create_application(user: Any) -> Decision:
    """Users of a confirmed, active enterprise may start applications (the district confirms first)."""
    decision = has_role(user, [Role.ENTERPRISE], _("填报项目申报"))
    if not decision:
        return decision
    enterprise = _enterprise_of(user)
    if enterprise is None:
        return deny(_("您的账户没有关联企业，不能申报。"))
    if not enterprise.organisation.is_active:
        return deny(_("企业账户已停用，不能申报。"))
    if enterprise.status != EnterpriseStatus.CONFIRMED:
        return deny(
            _("企业注册信息%(s)s，须经所在区经济主管部门确认后才能申报。")
            % {"s": enterprise.get_status_display()}
        )
    return ALLOW


def can_change_application(user: Any, application: Application) -> Decision:
    """Who may ever change an application: the applicant enterprise's users only (whatever its state)."""
    decision = has_role(user, [Role.ENTERPRISE], _("修改项目申报"))
    if not decision:
        return decision
    if user.organisation_id != application.enterprise.organisation_id:
        return deny(_("只有申报企业本身的用户可以修改此申报。"))
    return ALLOW


def _not_editable_message(application: Application) -> str:
    return _("申报当前状态为“%(s)s”，不能修改。") % {"s": application.get_status_display()}


def can_edit_application(user: Any, application: Application) -> Decision:
    """Only the applicant enterprise's users, only while it is a draft (or returned for correction);
    for the pages' buttons (the services refuse the state separately, as 422)."""
    decision = can_change_application(user, application)
    if decision and application.status not in EDITABLE_STATUSES:
        return deny(_not_editable_message(application))
    return decision


def require_editable(actor: Any, application: Application, action: str) -> None:
    """Who may (403: role, own enterprise), then whether now (422: a draft or a returned application)."""
    require(can_change_application(actor, application), action)
    if application.status not in EDITABLE_STATUSES:
        raise NotNow(_not_editable_message(application), action)


def closed_draft_reason(application: Application, now: Any = None) -> str:
    """Why a draft can no longer be changed: its call's application window has closed (or the call
    was cancelled). A draft of a closed call can only be read or deleted; "" while it may change.
    (An application returned for correction is not a draft: its correction is not bound to the
    window.)"""
    if application.status != ApplicationStatus.DRAFT or application.call.is_open(now or timezone.now()):
        return ""
    return _("“%(c)s”已截止申报，此草稿只能查看或删除，不能再修改或提交。") % {"c": application.call.title}


def can_delete_application(user: Any, application: Application) -> Decision:
    """The applicant enterprise's users may delete its drafts; nobody deletes a submitted one."""
    decision = has_role(user, [Role.ENTERPRISE], _("删除申报草稿"))
    if not decision:
        return decision
    if user.organisation_id != application.enterprise.organisation_id:
        return deny(_("只有申报企业本身的用户可以删除此草稿。"))
    return ALLOW


def _require_visible(actor: Any, application: Application, action: str) -> None:
    if not application_scope(actor).filter(pk=application.pk).exists():
        raise PermissionRefused(_("您无权办理此申报。"), action)


def transition_permission(actor: Any, application: Application, action: str) -> Decision:
    """Whether ``actor`` may take ``action`` on ``application`` at all, whatever its state: the
    application must be in the actor's scope, its role among the action's, and the action's guards
    (own enterprise, own district) must pass. Asked before the state, so a role that may never act
    is told so (403) rather than told about the state (issue 13, "who may before whether now")."""
    if not application_scope(actor).filter(pk=application.pk).exists():
        return deny(_("您无权办理此申报。"))
    reason = workflow.who_may(action, application, actor)
    return deny(reason) if reason else ALLOW


# --- create -----------------------------------------------------------------------------------
def application_create(*, actor: Any, call: Call) -> Application:
    """Start a draft for ``call``: the actor's enterprise must be confirmed and active, the call
    open (server time). The draft records the call's current rules and the enterprise's district
    (属地原则); an enterprise may have several drafts for one call (several projects)."""
    require(can_create_application(actor), "application.create")
    enterprise = _enterprise_of(actor)
    assert enterprise is not None
    now = timezone.now()
    if not call.is_open(now):
        raise ValidationError({"call": _("“%(c)s”当前不在申报期内，不能新建申报。") % {"c": call.title}})
    rules = call.current_rules
    if rules is None:
        raise ValidationError({"call": _("“%(c)s”尚未设定申报规则，不能新建申报。") % {"c": call.title}})
    # A second click on 新建申报 opens the draft the first one started, as long as nothing has been
    # saved into it or uploaded to it: no pile of empty drafts.
    untouched: Application | None = (
        Application.objects.filter(
            call=call,
            enterprise=enterprise,
            status=ApplicationStatus.DRAFT,
            lock_version=0,
            rules=rules,
            attachments__isnull=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if untouched is not None:
        return untouched
    with transaction.atomic():
        application = Application.objects.create(
            call=call,
            rules=rules,
            enterprise=enterprise,
            district=enterprise.district,
            site_district=enterprise.district,
            created_by=actor,
        )
        PrerequisiteRecord.objects.bulk_create(
            PrerequisiteRecord(application=application, code=p.code, name=p.name)
            for p in rules.prerequisites.all()
        )
        ApplicationTransition.objects.create(
            application=application,
            from_status="",
            to_status=ApplicationStatus.DRAFT,
            action="create",
            actor=actor,
            actor_role=actor.role,
        )
        audit_record(
            actor=actor,
            action="application.create",
            obj=application,
            changes=diff({}, snapshot(application, ["call", "rules", "enterprise", "district", "status"])),
        )
    return application


# --- save draft -------------------------------------------------------------------------------
def _resolve(application: Application, rules: CallRules, data: ApplicationDraft) -> dict[str, Any]:
    """Turn the typed draft into column values and child rows, checking what the shape alone cannot
    (codes that must exist in the call's rules or catalog). Raises one ValidationError for all."""
    given = data.model_fields_set
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in given:
            values[name] = (getattr(data, name) or "").strip()
    for name in VALUE_FIELDS:
        if name in given:
            value = getattr(data, name)
            if value is None and name not in ("in_planned_block", "start_date", "end_date"):
                value = 0 if name == "jobs_created" else Decimal("0.00")
            values[name] = value
    start = values["start_date"] if "start_date" in values else application.start_date
    end = values["end_date"] if "end_date" in values else application.end_date
    if start and end and end < start:
        errors["end_date"] = _("建设完成日期 %(e)s 早于建设开始日期 %(s)s。") % {
            "e": end.isoformat(),
            "s": start.isoformat(),
        }
    if "project_code" in given:
        code = normalise_code(data.project_code)
        if len(code) > Application._meta.get_field("project_code").max_length:  # type: ignore[operator]
            errors["project_code"] = _("投资项目代码不能超过 24 个字符。")
        values["project_code"] = code
    if "project_lead_id_number" in given:
        number = normalise_code(data.project_lead_id_number)
        if len(number) > 18:
            errors["project_lead_id_number"] = _("身份证号不能超过 18 位。")
        values["project_lead_id_number"] = number
    if "site_district" in given:
        values["site_district"] = None
        if data.site_district:
            district = District.objects.filter(code=data.site_district.strip()).first()
            if district is None:
                errors["site_district"] = _("区代码“%(c)s”不是上海市的区。") % {"c": data.site_district}
            values["site_district"] = district
    if "direction" in given:
        values["direction"] = None
        if data.direction:
            item = CatalogItem.objects.filter(
                version_id=application.call.catalog_version_id, code=data.direction.strip()
            ).first()
            if item is None:
                errors["direction"] = _("本通知的支持目录中没有编号为“%(c)s”的条目。") % {"c": data.direction}
            values["direction"] = item

    lines: list[InvestmentLine] | None = None
    if data.investment_lines is not None:
        items = {i.code: i for i in rules.investment_items.all()}
        lines, seen = [], set()
        for index, line in enumerate(data.investment_lines):
            eligible_item = items.get(line.item_code.strip())
            if eligible_item is None:
                errors[f"investment_lines.{index}.item_code"] = _(
                    "“%(c)s”不是本通知的投资项目，可选：%(options)s。"
                ) % {
                    "c": line.item_code,
                    "options": join_list(f"{i.code}（{i.name}）" for i in items.values()),
                }
            elif eligible_item.code in seen:
                errors[f"investment_lines.{index}.item_code"] = _("投资项目“%(n)s”重复填写。") % {
                    "n": eligible_item.name
                }
            else:
                seen.add(eligible_item.code)
                lines.append(
                    InvestmentLine(
                        item_code=eligible_item.code,
                        item_name=eligible_item.name,
                        is_fixed_asset=eligible_item.is_fixed_asset,
                        amount=line.amount,
                    )
                )
    prerequisites: list[PrerequisiteRecord] | None = None
    if data.prerequisites is not None:
        known = {p.code: p for p in rules.prerequisites.all()}
        prerequisites, seen = [], set()
        for index, record in enumerate(data.prerequisites):
            prerequisite = known.get(record.code.strip())
            if prerequisite is None:
                errors[f"prerequisites.{index}.code"] = _("“%(c)s”不是本通知要求的前期手续。") % {
                    "c": record.code
                }
            elif prerequisite.code in seen:
                errors[f"prerequisites.{index}.code"] = _("前期手续“%(n)s”重复填写。") % {
                    "n": prerequisite.name
                }
            else:
                seen.add(prerequisite.code)
                prerequisites.append(
                    PrerequisiteRecord(
                        code=prerequisite.code,
                        name=prerequisite.name,
                        done=record.done,
                        document_number=record.document_number.strip(),
                        document_date=record.document_date,
                    )
                )
    funding: list[OtherFunding] | None = None
    if data.other_funding is not None:
        funding = [
            OtherFunding(
                programme=f.programme.strip(), authority=f.authority.strip(), amount=f.amount, status=f.status
            )
            for f in data.other_funding
        ]
    if errors:
        raise ValidationError(errors)
    return {"values": values, "lines": lines, "prerequisites": prerequisites, "funding": funding}


def _lines_summary(lines: Iterable[InvestmentLine]) -> list[list[str]]:
    return [[line.item_code, str(line.amount)] for line in lines]


def application_save_draft(
    *, actor: Any, application: Application, data: ApplicationDraft, expected_lock_version: int
) -> Application:
    """Save what the enterprise typed, complete or not (a draft need not be eligible).

    Only the shape is refused (by :class:`ApplicationDraft`), codes that are not the call's
    (investment items, prerequisites, catalog direction, district) and a completion date before the
    start date, each on its own field; then nothing is saved. Lists that are given replace the old
    ones. The totals, the fixed-asset share and the requested support (rules.md §3: rate × eligible
    input, capped, rounded down to the fen) are recomputed under the call's current rules.

    Optimistic locking: ``expected_lock_version`` is the version the user loaded; if the draft was
    saved since (another window, a colleague), the save is refused with :data:`STALE_MESSAGE` and
    nothing is overwritten. Returns the saved application (with its new ``lock_version``).
    """
    require_editable(actor, application, "application.save_draft")
    closed = closed_draft_reason(application)
    if closed:
        raise ValidationError({"call": closed})
    rules = rules_for(application)
    resolved = _resolve(application, rules, data)
    with transaction.atomic():
        locked: Application = Application.objects.select_for_update().get(pk=application.pk)
        require_editable(actor, locked, "application.save_draft")
        if locked.lock_version != expected_lock_version:
            raise StaleDraft({"lock_version": str(STALE_MESSAGE)})
        before = snapshot(locked, AUDITED_FIELDS)
        before_lines = _lines_summary(locked.investment_lines.all())
        for name, value in resolved["values"].items():
            setattr(locked, name, value)
        if resolved["lines"] is not None:
            locked.investment_lines.all().delete()
            for line in resolved["lines"]:
                line.application = locked
            InvestmentLine.objects.bulk_create(resolved["lines"])
        if resolved["prerequisites"] is not None:
            locked.prerequisites.all().delete()
            for record in resolved["prerequisites"]:
                record.application = locked
            PrerequisiteRecord.objects.bulk_create(resolved["prerequisites"])
        if resolved["funding"] is not None:
            locked.other_funding.all().delete()
            for funding in resolved["funding"]:
                funding.application = locked
            OtherFunding.objects.bulk_create(resolved["funding"])
        lines = list(locked.investment_lines.all())
        totals = compute_totals(((line.amount, line.is_fixed_asset) for line in lines), rules)
        locked.rules = rules
        locked.total_investment = totals.total
        locked.fixed_asset_investment = totals.fixed_assets
        locked.fixed_asset_share = totals.share
        locked.requested_support = totals.requested_support
        locked.lock_version += 1
        locked.save()
        changes = diff(before, snapshot(locked, AUDITED_FIELDS))
        after_lines = _lines_summary(lines)
        if after_lines != before_lines:
            changes["investment_lines"] = {"before": before_lines, "after": after_lines}
        for name in ("prerequisites", "funding"):
            if resolved[name] is not None:
                changes.setdefault(name, {"before": None, "after": len(resolved[name])})
        audit_record(actor=actor, action="application.save_draft", obj=locked, changes=changes)
    return locked


# --- delete a draft ---------------------------------------------------------------------------
def application_delete_draft(*, actor: Any, application: Application) -> None:
    """The enterprise deletes one of its drafts (never saved, abandoned, or of a closed call) with
    its rows and files. Only a draft: a submitted application is a record of the programme and is
    withdrawn, never deleted. The audit event keeps what the draft held."""
    require(can_delete_application(actor, application), "application.delete_draft")
    with transaction.atomic():
        locked: Application = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.DRAFT:
            raise ValidationError(
                _("申报当前状态为“%(s)s”，只有草稿可以删除；已提交的申报可以撤回。")
                % {"s": locked.get_status_display()}
            )
        files = [(a.file.storage, a.file.name) for a in locked.attachments.all()]
        before = snapshot(locked, ["call", "enterprise", "status", *AUDITED_FIELDS])
        before["attachments"] = [a.original_name for a in locked.attachments.all()]
        before["investment_lines"] = _lines_summary(locked.investment_lines.all())
        audit_record(
            actor=actor,
            action="application.delete_draft",
            obj=locked,
            changes={name: {"before": value, "after": None} for name, value in before.items()},
        )
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def application_drafts_purge(*, now: Any = None) -> int:
    """Delete the drafts nobody ever filled (never saved, nothing uploaded) whose call has closed:
    they can no longer be filled. Run by ``manage.py purge_empty_drafts`` (e.g. daily from cron);
    each deletion is audited as the system's. Returns how many were deleted."""
    now = now or timezone.now()
    candidates = Application.objects.filter(
        status=ApplicationStatus.DRAFT, lock_version=0, attachments__isnull=True
    ).select_related("call")
    deleted = 0
    for application in candidates:
        if application.call.is_open(now):
            continue
        with transaction.atomic():
            audit_record(
                actor=None,
                action="application.delete_draft",
                obj=application,
                changes={"status": {"before": application.status, "after": None}},
                message="purge_empty_drafts",
            )
            application.delete()
        deleted += 1
    return deleted


# --- transitions ------------------------------------------------------------------------------
def _transition_for(application: Application, action: str) -> workflow.Transition:
    transition = workflow.find(action, application.status)
    if transition is not None:
        return transition
    known = workflow.BY_ACTION.get(action)
    if not known:
        raise ValidationError(_("没有“%(a)s”这项操作。") % {"a": action})
    raise ValidationError(
        _("申报当前状态为“%(s)s”，不能%(a)s。") % {"s": application.get_status_display(), "a": known[0].label}
    )


def application_transition(
    *, actor: Any, application: Application, action: str, comment: str = ""
) -> Application:
    """Perform one transition of the workflow table: the only code that changes an application's status.

    Refuses (with the reason), in this order: an action that is not in the table; an application
    the actor may not see, a role or guard that never allows the action (403, whatever the state:
    :func:`transition_permission`); a state the action does not start from (422); a missing comment
    where one is required, and whatever the transition's checks refuse. Runs the checks and effects on the
    row locked for the transition, then writes the history row and the audit event (before/after of
    the status and of every field the effects changed) and tells whom the row's ``notify`` names
    (in-app now, e-mail once the transaction commits). Returns the updated application.
    """
    if action not in workflow.BY_ACTION:
        raise ValidationError(_("没有“%(a)s”这项操作。") % {"a": action})
    # Who may (scope, role, guards: 403), before whether now (the state: 422).
    require(transition_permission(actor, application, action), f"application.{action}")
    transition = _transition_for(application, action)
    reason = workflow.refusal(transition, application, actor)
    if reason:
        raise PermissionRefused(reason, f"application.{action}")
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("请填写“%(a)s”的原因。") % {"a": transition.label}})
    with transaction.atomic():
        locked: Application = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != application.status:
            # Someone else moved it on since it was loaded: judge the action on the current state.
            transition = _transition_for(locked, action)
        ctx = workflow.TransitionContext(actor=actor, now=timezone.now(), comment=comment)
        for check in transition.checks:
            check(locked, ctx)
        fields = [f.name for f in Application._meta.concrete_fields]
        before = snapshot(locked, fields)
        changed: list[str] = []
        for effect in transition.effects:
            changed.extend(effect(locked, ctx))
        from_status = locked.status
        locked.status = transition.target
        locked.lock_version += 1
        locked.save(update_fields=list(dict.fromkeys([*changed, "status", "lock_version", "updated_at"])))
        ApplicationTransition.objects.create(
            application=locked,
            from_status=from_status,
            to_status=transition.target,
            action=transition.action,
            actor=actor,
            actor_role=actor.role,
            comment=comment,
        )
        recorded = ["status", *changed]
        changes = diff({k: before[k] for k in recorded}, snapshot(locked, recorded))
        # the notices that announced this work to the actor and its colleagues are done now
        resolved = notifications_resolve(application=locked, actor=actor)
        if resolved:
            changes["notifications_resolved"] = {"before": 0, "after": resolved}
        audit_record(
            actor=actor,
            action=f"application.{transition.action}",
            obj=locked,
            changes=changes,
            message=comment,
        )
        if transition.notify:
            transition_notify(
                application=locked,
                action=transition.action,
                label=str(transition.label),
                comment=comment,
                actor=actor,
                recipients=transition.notify,
            )
    return locked


def application_submit(*, actor: Any, application: Application) -> Application:
    """Submit a draft (rules.md §2 step 3): only inside the call's window, only when every eligibility
    rule passes (else :class:`~jigai.applications.eligibility.NotEligible` listing the failing rules),
    never a duplicate; gives the reference number ``JG{year}-{district}-{serial}``, records the rules
    version and flags near duplicates for the reviewers."""
    return application_transition(actor=actor, application=application, action="submit")


def application_withdraw(*, actor: Any, application: Application, reason: str) -> Application:
    """The enterprise withdraws its submission before the district takes it up (reason required)."""
    return application_transition(actor=actor, application=application, action="withdraw", comment=reason)
