"""Demo data of the funds: the 2026 budgets, approved projects with a fund plan, paid first
instalments and one recovery.

:func:`demo_funds_seed` runs after :func:`jigai.demo.demo_publicity.demo_publicity_seed`. It

1. sets up the 2026 budgets through the services, as the finance bureaus do (each audited): the
   municipal special fund and the national matching by ``finance``, 浦东新区's and 闵行区's
   technical transformation funds by ``district_pd_finance`` and ``district_mh_finance``;
2. approves (立项) :data:`PUDONG` submitted applications of the closed 2026 call in 浦东新区 and
   :data:`MINHANG` in 闵行区 — written straight as the review would have left them (decision amounts
   by the call's formula, history rows), as the publicity demo writes its history — and, in 浦东新区,
   the demo enterprise's submitted application too, which stays out of the plan so that the
   end-to-end test (and a visitor) can draft a plan for it;
3. then through the services: ``municipal`` drafts the plan of the others, ``municipal_head`` and
   ``finance`` approve it (committing the budgets), ``finance`` pays each project's first municipal
   instalment; one project is settled on a lower audited investment (``municipal``), which leaves
   more paid than due, and ``finance`` records the recovery (追回) when the money comes back.

Same database, same result: the choices are by submission order and primary key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from jigai.accounts.models import User
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application, ApplicationTransition
from jigai.decisions.models import Decision
from jigai.decisions.services import formula_support
from jigai.demo.accounts import DEMO_DISTRICT, SECOND_FINANCE_DISTRICT, district_finance_username
from jigai.demo.demo_publicity import _closed_call
from jigai.funds import services
from jigai.funds.choices import BudgetSource, ShareLevel
from jigai.funds.models import FundPlan, Instalment, Recovery
from jigai.reference.models import District

PUDONG = 4
MINHANG = 2
MUNICIPAL_BUDGET = Decimal("200000000.00")
MATCHING_BUDGET = Decimal("50000000.00")
DISTRICT_BUDGETS = {DEMO_DISTRICT: Decimal("60000000.00"), SECOND_FINANCE_DISTRICT: Decimal("30000000.00")}
#: the settled project's audited investment, as a share of its approved investment
AUDITED_SHARE = Decimal("0.40")


@dataclass(frozen=True)
class FundsDemoSummary:
    plan_id: int
    projects: int
    payments: int
    recovery_id: int | None
    unplanned_application_id: int | None


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _approve(applications: list[Application], head: User, now: dt.datetime) -> None:
    """Write the applications as approved (立项) with their decision's amounts by the call's formula."""
    for rank, application in enumerate(applications, start=1):
        support = formula_support(application, application.total_investment)
        Decision.objects.update_or_create(
            application=application,
            defaults={
                "final_score": Decimal("85.00") - rank,
                "rank": rank,
                "approved_investment": application.total_investment,
                "formula_support": support,
                "approved_support": support,
                "decided_by": head,
                "decided_at": now,
            },
        )
        ApplicationTransition.objects.create(
            application=application,
            from_status=application.status,
            to_status=S.APPROVED,
            action="approve",
            actor=head,
            actor_role=head.role,
            comment="演示数据：已完成评审、公示并批准立项。",
        )
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=S.APPROVED)


def _account(n: int) -> str:
    return f"6222{n:015d}"[:19]


def demo_funds_seed() -> FundsDemoSummary | None:
    """The funds demo (see the module docs); None when there is no closed call or it has a plan."""
    call = _closed_call()
    if call is None or FundPlan.objects.filter(call=call).exists():
        return None
    finance, officer, head = _user("finance"), _user("municipal"), _user("municipal_head")
    submitted = Application.objects.filter(call=call, status=S.SUBMITTED).order_by("submitted_at", "pk")
    demo_enterprise = (
        User.objects.filter(username="enterprise_demo").values_list("organisation_id", flat=True).first()
    )
    own = list(submitted.filter(district_id=DEMO_DISTRICT, enterprise__organisation_id=demo_enterprise)[:1])
    pudong = list(
        submitted.filter(district_id=DEMO_DISTRICT).exclude(enterprise__organisation_id=demo_enterprise)[
            :PUDONG
        ]
    )
    minhang = list(submitted.filter(district_id=SECOND_FINANCE_DISTRICT)[:MINHANG])
    planned = pudong + minhang
    if not planned:
        return None
    now = timezone.now()
    with transaction.atomic():
        _approve(planned + own, head, now)

    year = call.year
    services.budget_create(
        actor=finance, fiscal_year=year, source=BudgetSource.MUNICIPAL, amount=MUNICIPAL_BUDGET
    )
    services.budget_create(
        actor=finance, fiscal_year=year, source=BudgetSource.NATIONAL_MATCHING, amount=MATCHING_BUDGET
    )
    for code, amount in DISTRICT_BUDGETS.items():
        services.budget_create(
            actor=_user(district_finance_username(code)),
            fiscal_year=year,
            source=BudgetSource.DISTRICT,
            district=District.objects.get(pk=code),
            amount=amount,
        )

    plan = services.fund_plan_draft(
        actor=officer,
        call=call,
        application_ids=[a.pk for a in planned],
        title=f"{year}年度技术改造专项资金计划（第一批）",
    )
    plan = services.fund_plan_transition(actor=head, plan=plan, action="head_approve")
    plan = services.fund_plan_transition(actor=finance, plan=plan, action="finance_approve")

    paid_on = timezone.localdate() - dt.timedelta(days=3)
    first = (
        Instalment.objects.filter(share__item__plan=plan, share__level=ShareLevel.MUNICIPAL, sequence=1)
        .select_related("share__item")
        .order_by("share__item_id")
    )
    payments = 0
    for n, instalment in enumerate(first, start=1):
        services.payment_record(
            actor=finance,
            instalment=instalment,
            amount=instalment.amount,
            paid_on=paid_on,
            voucher_number=f"沪财拨〔{year}〕{100 + n}号",
            bank_account=_account(instalment.share.item.application_id * 7919 + n),
            idempotency_key=f"demo-payment-{instalment.pk}",
        )
        payments += 1

    recovery_id = None
    settled = plan.items.select_related("application__decision").order_by("pk").first()
    if settled is not None and settled.application.decision.approved_investment:
        audited = (settled.application.decision.approved_investment * AUDITED_SHARE).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
        services.fund_item_settle(actor=officer, item=settled, audited_investment=audited)
        recovery = Recovery.objects.filter(share__item=settled).order_by("pk").first()
        if recovery is not None:
            services.recovery_record(
                actor=finance,
                recovery=recovery,
                returned_on=timezone.localdate() - dt.timedelta(days=1),
                voucher_number=f"沪财缴〔{year}〕7号",
                idempotency_key=f"demo-recovery-{recovery.pk}",
            )
            recovery_id = recovery.pk
    return FundsDemoSummary(
        plan_id=plan.pk,
        projects=len(planned),
        payments=payments,
        recovery_id=recovery_id,
        unplanned_application_id=own[0].pk if own else None,
    )
