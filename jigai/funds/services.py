"""Writes of the funds app: budgets, fund plans and their workflow, payments, settlement, recovery.

Every service takes the acting user, checks who may (403/404) before whether now (422), changes
state inside ``transaction.atomic`` and records an audit event. Money moves only through
:mod:`jigai.funds.ledger`. Requests that move money (a payment, a recorded recovery) carry an
idempotency key: the same key again returns the first result and creates nothing; the same key with
different content is refused (:class:`IdempotencyConflict`, HTTP 409).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.amounts import final_amount
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.audit.services import audit_record
from jigai.calls.choices import InstalmentTrigger
from jigai.calls.models import Call
from jigai.core.money import format_yuan
from jigai.core.permissions import PermissionRefused, require
from jigai.core.text import join_list
from jigai.funds import crypto, ledger, permissions, shares, workflow
from jigai.funds.choices import (
    SHARE_SOURCES,
    BudgetSource,
    EntryKind,
    FundPlanStatus,
    ItemStatus,
    RecoveryStatus,
    ShareLevel,
)
from jigai.funds.models import (
    Budget,
    FundPlan,
    FundPlanItem,
    FundPlanTransition,
    FundShare,
    Instalment,
    Payment,
    Recovery,
)
from jigai.reference.models import District

ZERO = Decimal("0.00")


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a request with different content (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(_("此幂等键已用于内容不同的另一笔请求，请使用新的幂等键。"))


def request_digest(values: Mapping[str, Any]) -> str:
    """SHA-256 of the request's content (canonical JSON), to tell a replay from a different request."""
    text = json.dumps({k: str(v) for k, v in sorted(values.items())}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _require_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": _("请提供幂等键（1 到 100 个字符）。")})
    return key


# --- Budgets ----------------------------------------------------------------------------------
def budget_name(fiscal_year: int, source: str, district: District | None) -> str:
    if source == BudgetSource.DISTRICT and district is not None:
        return f"{fiscal_year}年度{district.name}技术改造资金"
    return f"{fiscal_year}年度{BudgetSource(source).label}"


def budget_create(
    *, actor: Any, fiscal_year: int, source: str, district: District | None = None, amount: Decimal
) -> Budget:
    """Set up a budget with its first appropriation (预算下达). The municipal finance officer sets up
    the city's budgets; a district finance officer its own district's."""
    require(permissions.can_manage_budget(actor, source, district), "funds.budget_create")
    if source not in BudgetSource.values:
        raise ValidationError({"source": _("资金来源无效。")})
    if (source == BudgetSource.DISTRICT) != (district is not None):
        raise ValidationError({"district": _("区技术改造资金须指定区，其他来源不能指定区。")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("预算金额须大于 0。")})
    if not 2000 <= int(fiscal_year) <= 2100:
        raise ValidationError({"fiscal_year": _("预算年度无效。")})
    with transaction.atomic():
        exists = Budget.objects.filter(fiscal_year=fiscal_year, source=source, district=district).exists()
        if exists:
            raise ValidationError({"source": _("该年度该来源的预算已经存在，请追加或调整预算。")})
        budget = Budget.objects.create(
            fiscal_year=fiscal_year,
            source=source,
            district=district,
            name=budget_name(fiscal_year, source, district),
            created_by=actor,
        )
        ledger.post([ledger.Posting(budget.pk, EntryKind.APPROPRIATION, amount)], actor=actor)
        budget.refresh_from_db()
        audit_record(
            actor=actor, action="funds.budget_create", obj=budget, changes={"total": {"after": budget.total}}
        )
    return budget


def budget_adjust(*, actor: Any, budget: Budget, amount: Decimal, note: str) -> Budget:
    """Add to (追加) or lower (调减) a budget's total by an adjustment entry, never an edit. Lowering
    below what is committed is refused (the database refuses it too)."""
    _visible_budget(actor, budget)
    require(permissions.can_manage_budget(actor, budget.source, budget.district), "funds.budget_adjust")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写调整说明。")})
    if amount is None or amount == 0:
        raise ValidationError({"amount": _("调整金额不能为 0。")})
    with transaction.atomic():
        locked = ledger.lock_budgets([budget.pk])[budget.pk]
        if amount < 0 and -amount > locked.available:
            raise ValidationError(
                {
                    "amount": _("调减金额 %(a)s 超过可用余额 %(b)s。")
                    % {"a": format_yuan(-amount), "b": format_yuan(locked.available)}
                }
            )
        ledger.post([ledger.Posting(locked.pk, EntryKind.ADJUSTMENT, amount, note=note[:300])], actor=actor)
        before = locked.total
        locked.refresh_from_db()
        audit_record(
            actor=actor,
            action="funds.budget_adjust",
            obj=locked,
            changes={"total": {"before": before, "after": locked.total}},
            message=note,
        )
    return locked


def _visible_budget(actor: Any, budget: Budget) -> None:
    if not Budget.objects.visible_to(actor).filter(pk=budget.pk).exists():
        raise Budget.DoesNotExist


# --- Fund plans -------------------------------------------------------------------------------
def _schedule(rules: Any) -> list[tuple[int, str, Decimal]]:
    return [(i.sequence, i.trigger, i.percent) for i in rules.instalments.all()]


def fund_plan_draft(
    *,
    actor: Any,
    call: Call,
    application_ids: list[int] | None = None,
    central_support: Mapping[int, Decimal] | None = None,
    fiscal_year: int | None = None,
    title: str = "",
) -> FundPlan:
    """Draft the fund plan of ``call``'s approved projects (all not yet in a plan, or those named):
    per project the approved support split into municipal and district shares by the call's
    district share rule, national matching on the central support given, and the instalments of
    the call's rules (:mod:`jigai.funds.shares`). Refused: a project that is not approved (立项) or
    already in a plan, no project at all."""
    require(permissions.can_draft_plan(actor), "funds.fund_plan_draft")
    central_support = dict(central_support or {})
    for amount in central_support.values():
        if amount is None or Decimal(amount) < 0:
            raise ValidationError({"central_support": _("中央预算内支持金额不能为负数。")})
    with transaction.atomic():
        candidates = (
            Application.objects.filter(call=call, status=ApplicationStatus.APPROVED)
            .exclude(fund_items__in_force=True)
            .select_related("decision", "district", "rules")
            .prefetch_related("investment_lines")
            .order_by("decision__rank", "id")
        )
        if application_ids is not None:
            wanted = set(application_ids)
            candidates = candidates.filter(pk__in=wanted)
            found = {a.pk for a in candidates}
            if wanted - found:
                raise ValidationError(
                    {
                        "application_ids": _("以下申报不是本批次已立项且尚未列入资金计划的项目：%(ids)s")
                        % {"ids": join_list(str(i) for i in sorted(wanted - found))}
                    }
                )
        applications = list(candidates)
        if not applications:
            raise ValidationError(_("本批次没有已立项且尚未列入资金计划的项目。"))
        unknown = set(central_support) - {a.pk for a in applications}
        if unknown:
            raise ValidationError({"central_support": _("中央预算内支持只能填写本计划内的项目。")})
        year = int(fiscal_year or call.year)
        plan = FundPlan.objects.create(
            call=call,
            fiscal_year=year,
            title=(title or "").strip()[:200] or f"{call.year}年度技术改造专项资金计划",
            drafted_by=actor,
        )
        rules_by_id: dict[int, Any] = {}
        schedules: dict[int, list[tuple[int, str, Decimal]]] = {}
        district_rules: dict[tuple[int, str], Any] = {}
        total_support = total_matching = ZERO
        items: list[FundPlanItem] = []
        planned: list[tuple[FundPlanItem, str, Decimal, list[tuple[int, str, Decimal]]]] = []
        for application in applications:
            rules = rules_by_id.get(application.rules_id or 0)
            if rules is None:
                rules = application.rules or call.current_rules
                if rules is None:
                    raise ValidationError(_("申报通知没有申报规则。"))
                rules_by_id[application.rules_id or 0] = rules
                schedules[rules.pk] = _schedule(rules)
                for rule in rules.district_shares.all():
                    district_rules[(rules.pk, rule.district_id)] = rule
            decision = application.decision
            split = shares.split_support(
                application=application,
                decision=decision,
                rules=rules,
                district_rule=district_rules.get((rules.pk, application.district_id)),
                central_support=Decimal(central_support.get(application.pk, ZERO)),
            )
            item = FundPlanItem(
                plan=plan,
                application=application,
                district_id=application.district_id,
                approved_support=decision.approved_support,
                central_support=Decimal(central_support.get(application.pk, ZERO)),
                municipal_amount=split.municipal,
                district_amount=split.district,
                matching_amount=split.matching,
            )
            items.append(item)
            total_support += decision.approved_support
            total_matching += split.matching
            schedule = schedules[rules.pk]
            district_schedule = (
                shares.after_acceptance_only() if split.district_after_acceptance else schedule
            )
            for level, amount, item_schedule in (
                (ShareLevel.MUNICIPAL, split.municipal, schedule),
                (ShareLevel.DISTRICT, split.district, district_schedule),
                (ShareLevel.NATIONAL_MATCHING, split.matching, schedule),
            ):
                if amount > 0:
                    planned.append((item, level, amount, item_schedule))
        # In bulk (a plan may hold thousands of projects): items, then their shares, then instalments.
        FundPlanItem.objects.bulk_create(items, batch_size=500)
        share_rows = FundShare.objects.bulk_create(
            [FundShare(item=item, level=level, amount=amount) for item, level, amount, _s in planned],
            batch_size=500,
        )
        new_instalments = [
            Instalment(
                share=share, sequence=p.sequence, trigger=p.trigger, percent=p.percent, amount=p.amount
            )
            for share, (_item, _level, amount, item_schedule) in zip(share_rows, planned, strict=True)
            for p in shares.instalments(amount, item_schedule)
        ]
        Instalment.objects.bulk_create(new_instalments, batch_size=500)
        plan.total_support = total_support
        plan.total_matching = total_matching
        plan.save(update_fields=["total_support", "total_matching"])
        audit_record(
            actor=actor,
            action="funds.fund_plan_draft",
            obj=plan,
            changes={
                "status": {"after": plan.status},
                "projects": {"after": len(applications)},
                "total_support": {"after": total_support},
                "total_matching": {"after": total_matching},
            },
        )
    return plan


def _plan_for(actor: Any, plan: FundPlan) -> None:
    if not FundPlan.objects.visible_to(actor).filter(pk=plan.pk).exists():
        raise FundPlan.DoesNotExist


def fund_plan_transition(*, actor: Any, plan: FundPlan, action: str, comment: str = "") -> FundPlan:
    """Perform one transition of the plan workflow (:mod:`jigai.funds.workflow`): the only code that
    changes a plan's status. Who may (role, two-person rule: 403) before whether now (state: 422).
    The finance approval commits the whole plan against its budgets atomically, or refuses with
    :class:`~jigai.funds.ledger.InsufficientBudget` naming the short budget and the gap."""
    _plan_for(actor, plan)
    transition = workflow.BY_ACTION.get(action)
    if transition is None:
        raise ValidationError(_("未知的操作。"))
    reason = workflow.refusal(transition, plan, actor)
    if reason:
        raise PermissionRefused(reason, f"funds.fund_plan_{action}")
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": _("请填写“%(a)s”的原因。") % {"a": transition.label}})
    with transaction.atomic():
        locked: FundPlan = FundPlan.objects.select_for_update().get(pk=plan.pk)
        reason = workflow.refusal(transition, locked, actor)
        if reason:
            raise PermissionRefused(reason, f"funds.fund_plan_{action}")
        state = workflow.state_refusal(transition, locked)
        if state:
            raise ValidationError(state)
        now = timezone.now()
        from_status = locked.status
        changed = ["status"]
        if transition.commits:
            _commit_plan(actor, locked)
        if action == "head_approve":
            locked.head_approved_by, locked.head_approved_at = actor, now
            changed += ["head_approved_by", "head_approved_at"]
        elif action == "finance_approve":
            locked.finance_approved_by, locked.finance_approved_at = actor, now
            changed += ["finance_approved_by", "finance_approved_at"]
        elif action == "return":
            locked.head_approved_by, locked.head_approved_at = None, None
            locked.returned_reason = comment
            changed += ["head_approved_by", "head_approved_at", "returned_reason"]
        elif action == "cancel":
            locked.items.update(in_force=False)
        locked.status = transition.target
        locked.save(update_fields=changed)
        FundPlanTransition.objects.create(
            plan=locked,
            action=action,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            actor_role=actor.role,
            comment=comment,
        )
        audit_record(
            actor=actor,
            action=f"funds.fund_plan_{action}",
            obj=locked,
            changes={"status": {"before": from_status, "after": transition.target}},
            message=comment,
        )
    return locked


def _budget_for(
    fiscal_year: int, level: str, district_id: str, cache: dict[tuple[str, str], Budget]
) -> Budget:
    source = SHARE_SOURCES[level]
    district = district_id if source == BudgetSource.DISTRICT else ""
    key = (source, district)
    if key not in cache:
        budget = Budget.objects.filter(
            fiscal_year=fiscal_year, source=source, district_id=district or None
        ).first()
        if budget is None:
            name = budget_name(fiscal_year, source, District.objects.get(pk=district) if district else None)
            raise ValidationError(_("尚未设立“%(b)s”，不能下达资金计划。") % {"b": name})
        cache[key] = budget
    return cache[key]


def _commit_plan(actor: Any, plan: FundPlan) -> None:
    """Commit every share of the plan against its budget, all or nothing (inside the transition)."""
    share_rows = list(
        FundShare.objects.filter(item__plan=plan, item__status=ItemStatus.ACTIVE).select_related("item")
    )
    cache: dict[tuple[str, str], Budget] = {}
    needs: dict[int, Decimal] = {}
    for share in share_rows:
        budget = _budget_for(plan.fiscal_year, share.level, share.item.district_id, cache)
        share.budget_id = budget.pk
        needs[budget.pk] = needs.get(budget.pk, ZERO) + share.amount
    budgets = ledger.lock_budgets(needs)
    ledger.require_available(budgets, needs)
    by_budget: dict[int, list[int]] = {}
    for share in share_rows:
        share.committed = share.amount
        by_budget.setdefault(share.budget_id or 0, []).append(share.pk)
    for budget_id, ids in by_budget.items():  # one UPDATE per budget (a CASE per row is slow)
        for start in range(0, len(ids), 500):
            FundShare.objects.filter(pk__in=ids[start : start + 500]).update(
                budget_id=budget_id, committed=F("amount")
            )
    Instalment.objects.filter(share__item__plan=plan, trigger=InstalmentTrigger.APPROVAL).update(payable=True)
    ledger.post(
        [
            ledger.Posting(s.budget_id, EntryKind.COMMITMENT, s.amount, plan_id=plan.pk, share_id=s.pk)
            for s in share_rows
            if s.budget_id is not None
        ],
        actor=actor,
    )


def fund_plan_head_approve(*, actor: Any, plan: FundPlan) -> FundPlan:
    return fund_plan_transition(actor=actor, plan=plan, action="head_approve")


def fund_plan_finance_approve(*, actor: Any, plan: FundPlan) -> FundPlan:
    return fund_plan_transition(actor=actor, plan=plan, action="finance_approve")


# --- Payments ---------------------------------------------------------------------------------
def _share_visible(actor: Any, share_id: int) -> FundShare:
    share: FundShare = (
        FundShare.objects.visible_to(actor).select_related("item__plan", "item__application").get(pk=share_id)
    )
    return share


def payment_record(
    *,
    actor: Any,
    instalment: Instalment,
    amount: Decimal,
    paid_on: dt.date,
    voucher_number: str,
    bank_account: str,
    idempotency_key: str,
) -> tuple[Payment, bool]:
    """Record a payment of ``instalment`` (issue 7 "Disbursement"). Returns ``(payment, created)``.

    Who: the finance officer of the paying level — the municipal finance bureau for the municipal
    share and the national matching, the project's district finance bureau for the district share.
    Refused: a plan not yet approved, a cancelled or settled project, an instalment not yet due
    (after acceptance), more than the instalment's or the commitment's unpaid remainder. The same
    idempotency key again returns the first payment and creates nothing; with different content
    it raises :class:`IdempotencyConflict`. The bank account is stored SM4-encrypted."""
    key = _require_key(idempotency_key)
    digest = request_digest(
        {
            "instalment": instalment.pk,
            "amount": Decimal(amount).quantize(Decimal("0.01")) if amount is not None else "",
            "paid_on": paid_on,
            "voucher": (voucher_number or "").strip(),
            "account": (bank_account or "").replace(" ", ""),
        }
    )
    share = _share_visible(actor, instalment.share_id)
    require(permissions.can_pay(actor, share), "funds.payment_record")
    replay = _replayed_payment(key, digest)
    if replay is not None:
        return replay, False
    voucher_number = (voucher_number or "").strip()
    problems: dict[str, str] = {}
    if amount is None or amount <= 0:
        problems["amount"] = _("拨付金额须大于 0。")
    if not voucher_number:
        problems["voucher_number"] = _("请填写凭证号。")
    try:
        account = crypto.normalise_account(bank_account)
    except ValueError:
        problems["bank_account"] = _("收款账号须为 8 到 30 位数字。")
    if paid_on is None or paid_on > timezone.localdate():
        problems["paid_on"] = _("拨付日期不能晚于今天。")
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            locked: FundShare = (
                FundShare.objects.select_for_update().select_related("item__plan").get(pk=share.pk)
            )
            replay = _replayed_payment(key, digest)  # a replay that committed while we waited
            if replay is not None:
                return replay, False
            inst = Instalment.objects.get(pk=instalment.pk)
            _require_payable(locked, inst, amount)
            payment = Payment.objects.create(
                instalment=inst,
                share=locked,
                amount=amount,
                paid_on=paid_on,
                voucher_number=voucher_number[:60],
                bank_account_encrypted=crypto.encrypt(account),
                idempotency_key=key,
                request_digest=digest,
                recorded_by=actor,
            )
            inst.paid += amount
            inst.save(update_fields=["paid"])
            locked.paid += amount
            locked.save(update_fields=["paid"])
            budget_id = _committed_budget(locked)
            ledger.lock_budgets([budget_id])
            ledger.post(
                [
                    ledger.Posting(
                        budget_id,
                        EntryKind.DISBURSEMENT,
                        amount,
                        share_id=locked.pk,
                        payment_id=payment.pk,
                    )
                ],
                actor=actor,
            )
            audit_record(
                actor=actor,
                action="funds.payment_record",
                obj=payment,
                # never the account number: only its masked form
                changes={
                    "amount": {"after": amount},
                    "instalment": {"after": inst.pk},
                    "voucher_number": {"after": voucher_number},
                    "bank_account": {"after": crypto.mask_account(account)},
                },
            )
    except IntegrityError:
        # Another request with this key committed between our check and our insert.
        replay = _replayed_payment(key, digest)
        if replay is None:
            raise
        return replay, False
    return payment, True


def _committed_budget(share: FundShare) -> int:
    """The budget a committed share is paid from (set when its plan was approved)."""
    if share.budget_id is None:
        raise ValidationError(_("资金计划尚未下达，不能拨付。"))
    return share.budget_id


def _replayed_payment(key: str, digest: str) -> Payment | None:
    first: Payment | None = Payment.objects.filter(idempotency_key=key).first()
    if first is None:
        return None
    if first.request_digest != digest:
        raise IdempotencyConflict()
    return first


def _require_payable(share: FundShare, instalment: Instalment, amount: Decimal) -> None:
    item = share.item
    if instalment.share_id != share.pk:
        raise ObjectDoesNotExist
    if item.plan.status != FundPlanStatus.APPROVED:
        raise ValidationError(_("资金计划尚未下达，不能拨付。"))
    if item.status == ItemStatus.CANCELLED:
        raise ValidationError(_("项目已撤销，不能拨付。"))
    if not instalment.payable:
        raise ValidationError(
            _("第%(n)s期尚未到拨付条件（验收后按验收结果拨付）。") % {"n": instalment.sequence}
        )
    remaining = instalment.amount - instalment.paid
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("拨付金额 %(a)s 超过第%(n)s期尚未拨付的 %(r)s。")
                % {"a": format_yuan(amount), "n": instalment.sequence, "r": format_yuan(remaining)}
            }
        )
    unpaid_commitment = share.committed - (share.paid - share.recovered)
    if amount > unpaid_commitment:
        raise ValidationError(
            {
                "amount": _("拨付金额 %(a)s 超过该项目尚未拨付的已占用资金 %(r)s。")
                % {"a": format_yuan(amount), "r": format_yuan(unpaid_commitment)}
            }
        )


# --- Cancellation, settlement and recovery ---------------------------------------------------
def fund_item_cancel(*, actor: Any, item: FundPlanItem, reason: str) -> FundPlanItem:
    """A cancelled project (撤销) releases what its shares commit and have not paid; its unpaid
    instalments are closed. What was paid stays paid (a recovery is a separate decision)."""
    if not FundPlanItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise FundPlanItem.DoesNotExist
    require(permissions.can_cancel_item(actor), "funds.fund_item_cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销理由。")})
    with transaction.atomic():
        locked: FundPlanItem = FundPlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
        if locked.status != ItemStatus.ACTIVE:
            raise ValidationError(_("项目已%(s)s，不能撤销。") % {"s": locked.get_status_display()})
        released = _release_unpaid(actor, locked, note=_("项目撤销"))
        locked.status = ItemStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        audit_record(
            actor=actor,
            action="funds.fund_item_cancel",
            obj=locked,
            changes={
                "status": {"before": ItemStatus.ACTIVE, "after": ItemStatus.CANCELLED},
                "released": {"after": released},
            },
            message=reason,
        )
    return locked


def _release_unpaid(actor: Any, item: FundPlanItem, *, note: str) -> Decimal:
    rows = list(FundShare.objects.select_for_update().filter(item=item, budget__isnull=False))
    postings = []
    released = ZERO
    for share in rows:
        unpaid = share.committed - (share.paid - share.recovered)
        if unpaid > 0:
            share.committed -= unpaid
            released += unpaid
            postings.append(
                ledger.Posting(share.budget_id, EntryKind.RELEASE, unpaid, share_id=share.pk, note=note)
            )
    if rows:
        FundShare.objects.bulk_update(rows, ["committed"])
        for inst in Instalment.objects.filter(share__in=rows):
            if inst.amount != inst.paid:
                inst.amount = inst.paid
                inst.payable = False
                inst.save(update_fields=["amount", "payable"])
    ledger.lock_budgets(p.budget_id for p in postings)
    ledger.post(postings, actor=actor)
    return released


def fund_item_settle(*, actor: Any, item: FundPlanItem, audited_investment: Decimal) -> FundPlanItem:
    """Settle a project after acceptance on the audited actual eligible investment (called by the
    acceptance stage): the final support is the call's formula on it, never above the approved
    amount (:func:`jigai.applications.amounts.final_amount`). Each share's final amount is its
    proportion of it (:func:`jigai.funds.shares.settle_amounts`): the after-acceptance instalments
    become payable for the rest; a commitment above what is due and unpaid is released; where more
    was paid than is due, a recovery (追回) is created for the finance officer to record."""
    if not FundPlanItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise FundPlanItem.DoesNotExist
    require(permissions.can_settle(actor), "funds.fund_item_settle")
    if audited_investment is None or audited_investment < 0:
        raise ValidationError({"audited_investment": _("审计确认的实际投入不能为负数。")})
    with transaction.atomic():
        locked: FundPlanItem = (
            FundPlanItem.objects.select_for_update(of=("self",))
            .select_related("plan", "application__rules", "application__call__current_rules")
            .get(pk=item.pk)
        )
        if locked.plan.status != FundPlanStatus.APPROVED:
            raise ValidationError(_("资金计划尚未下达，不能清算。"))
        if locked.status != ItemStatus.ACTIVE:
            raise ValidationError(_("项目已%(s)s，不能清算。") % {"s": locked.get_status_display()})
        rules = locked.application.rules or locked.application.call.current_rules
        if rules is None:
            raise ValidationError(_("申报通知没有申报规则。"))
        support = locked.municipal_amount + locked.district_amount
        final = final_amount(
            rate=rules.support_rate,
            audited_input=audited_investment,
            cap=rules.cap_per_project,
            approved=support,
        )
        rows = list(FundShare.objects.select_for_update().filter(item=locked).order_by("pk"))
        finals = shares.settle_amounts(
            approved=support, final=final, shares={s.level: s.amount for s in rows}
        )
        postings: list[ledger.Posting] = []
        recoveries: list[Recovery] = []
        for share in rows:
            due = finals[share.level]
            share.final_amount = due
            net_paid = share.paid - share.recovered
            target = max(due, net_paid)
            if share.committed > target:
                postings.append(
                    ledger.Posting(
                        share.budget_id,
                        EntryKind.RELEASE,
                        share.committed - target,
                        share_id=share.pk,
                        note="清算",
                    )
                )
                share.committed = target
            if net_paid > due:
                recoveries.append(
                    Recovery(
                        share=share,
                        amount=net_paid - due,
                        reason=_("清算后应拨 %(d)s，已拨 %(p)s。")
                        % {"d": format_yuan(due), "p": format_yuan(net_paid)},
                    )
                )
            _resize_instalments(share, due)
        FundShare.objects.bulk_update(rows, ["final_amount", "committed"])
        Recovery.objects.bulk_create(recoveries)
        ledger.lock_budgets(p.budget_id for p in postings)
        ledger.post(postings, actor=actor)
        locked.status = ItemStatus.SETTLED
        locked.audited_investment = audited_investment
        locked.final_support = final
        locked.settled_at = timezone.now()
        locked.save(update_fields=["status", "audited_investment", "final_support", "settled_at"])
        audit_record(
            actor=actor,
            action="funds.fund_item_settle",
            obj=locked,
            changes={
                "status": {"before": ItemStatus.ACTIVE, "after": ItemStatus.SETTLED},
                "audited_investment": {"after": audited_investment},
                "final_support": {"after": final},
                "recoveries": {"after": [str(r.amount) for r in recoveries]},
            },
        )
    return locked


def _resize_instalments(share: FundShare, due: Decimal) -> None:
    """The share's instalments after settlement add up to what is due (never below what each has
    paid); those after acceptance become payable."""
    rows = list(Instalment.objects.filter(share=share).order_by("sequence"))
    left = due
    for inst in rows:
        if inst.trigger == InstalmentTrigger.APPROVAL:
            inst.amount = max(inst.paid, min(inst.amount, left))
            left -= inst.amount
    acceptance = [i for i in rows if i.trigger != InstalmentTrigger.APPROVAL]
    for index, inst in enumerate(acceptance):
        room = max(left, ZERO)
        inst.amount = max(inst.paid, room if index == len(acceptance) - 1 else min(room, inst.amount))
        left -= inst.amount
        inst.payable = inst.amount > inst.paid
    Instalment.objects.bulk_update(rows, ["amount", "payable"])


def recovery_record(
    *,
    actor: Any,
    recovery: Recovery,
    returned_on: dt.date,
    voucher_number: str,
    idempotency_key: str,
) -> tuple[Recovery, bool]:
    """The finance officer of the share's level records that recovered money has come back: the
    budget's committed amount falls by it and its recovered figure rises. Idempotent by key."""
    key = _require_key(idempotency_key)
    digest = request_digest({"recovery": recovery.pk, "returned_on": returned_on, "voucher": voucher_number})
    share = _share_visible(actor, recovery.share_id)
    require(permissions.can_pay(actor, share), "funds.recovery_record")
    first = Recovery.objects.filter(idempotency_key=key).first()
    if first is not None:
        if first.request_digest != digest:
            raise IdempotencyConflict()
        return first, False
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": _("请填写凭证号。")})
    if returned_on is None or returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("退回日期不能晚于今天。")})
    try:
        with transaction.atomic():
            locked_share = FundShare.objects.select_for_update().get(pk=share.pk)
            locked: Recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
            if locked.idempotency_key == key and locked.request_digest == digest:
                return locked, False
            if locked.status != RecoveryStatus.DUE:
                raise ValidationError(_("该笔追回已登记。"))
            locked.status = RecoveryStatus.RECOVERED
            locked.returned_on = returned_on
            locked.voucher_number = voucher_number[:60]
            locked.recorded_by = actor
            locked.recorded_at = timezone.now()
            locked.idempotency_key = key
            locked.request_digest = digest
            locked.save()
            locked_share.recovered += locked.amount
            locked_share.committed -= locked.amount
            locked_share.save(update_fields=["recovered", "committed"])
            budget_id = _committed_budget(locked_share)
            ledger.lock_budgets([budget_id])
            ledger.post(
                [
                    ledger.Posting(
                        budget_id,
                        EntryKind.RECOVERY,
                        locked.amount,
                        share_id=locked_share.pk,
                        recovery_id=locked.pk,
                    )
                ],
                actor=actor,
            )
            audit_record(
                actor=actor,
                action="funds.recovery_record",
                obj=locked,
                changes={"status": {"before": RecoveryStatus.DUE, "after": RecoveryStatus.RECOVERED}},
            )
    except IntegrityError:
        first = Recovery.objects.filter(idempotency_key=key).first()
        if first is None or first.request_digest != digest:
            raise
        return first, False
    return locked, True


__all__ = [
    "IdempotencyConflict",
    "Role",
    "budget_adjust",
    "budget_create",
    "fund_item_cancel",
    "fund_item_settle",
    "fund_plan_draft",
    "fund_plan_transition",
    "payment_record",
    "recovery_record",
]
