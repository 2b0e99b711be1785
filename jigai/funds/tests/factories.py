"""Test data for the funds tests: approved projects of a call, budgets, plans at each stage.

Projects are written straight into "approved" (立项) with their decision's approved amounts: the
road there is tested by the review apps. Everything from the plan on goes through the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.core.testing import factories
from jigai.core.testing.factories import municipal_user, user_for_role
from jigai.decisions.models import Decision
from jigai.decisions.tests.factories_decision import in_review
from jigai.funds import services
from jigai.funds.choices import BudgetSource
from jigai.funds.models import Budget, FundPlan, Instalment
from jigai.reference.models import District

YEAR = 2026


def officer() -> Any:
    return municipal_user(Role.MUNICIPAL_OFFICER)


def head() -> Any:
    return municipal_user(Role.MUNICIPAL_HEAD)


def finance() -> Any:
    from jigai.accounts.models import User

    existing = User.objects.filter(username="factory_finance").first()
    return existing or user_for_role(Role.FINANCE_OFFICER, username="factory_finance")


def district_finance(code: str = "310115") -> Any:
    from jigai.accounts.models import User

    name = f"factory_district_finance_{code}"
    existing = User.objects.filter(username=name).first()
    return existing or user_for_role(Role.DISTRICT_FINANCE_OFFICER, district_code=code, username=name)


def call(**overrides: Any) -> Call:
    return factories.open_call(**overrides)


def approved_project(
    call: Call, *, total: str = "30000000.00", district_code: str = "310115", enterprise: Any = None
) -> Application:
    """A project of ``call`` approved (立项) with its approved input = declared total and the support
    of the call's formula (10 %: 3,000万元 → 300万元)."""
    application = in_review(
        call,
        total=total,
        district_code=district_code,
        enterprise=enterprise,
        status=ApplicationStatus.APPROVED,
    )
    rules = call.rules
    support = min(Decimal(total) * rules.support_rate, rules.cap_per_project).quantize(Decimal("0.01"))
    Decision.objects.filter(application=application).update(
        approved_investment=Decimal(total),
        formula_support=support,
        approved_support=support,
        decided_at=timezone.now(),
    )
    application.refresh_from_db()
    return application


def budget(
    amount: str, *, source: str = BudgetSource.MUNICIPAL, district_code: str | None = None, year: int = YEAR
) -> Budget:
    if source == BudgetSource.DISTRICT:
        code = district_code or "310115"
        return services.budget_create(
            actor=district_finance(code),
            fiscal_year=year,
            source=source,
            district=District.objects.get(code=code),
            amount=Decimal(amount),
        )
    return services.budget_create(actor=finance(), fiscal_year=year, source=source, amount=Decimal(amount))


def budgets(
    municipal: str = "100000000.00", district: str = "100000000.00", matching: str = "100000000.00"
) -> None:
    budget(municipal)
    budget(district, source=BudgetSource.DISTRICT)
    budget(matching, source=BudgetSource.NATIONAL_MATCHING)


def drafted(call: Call, **kwargs: Any) -> FundPlan:
    return services.fund_plan_draft(actor=officer(), call=call, **kwargs)


def head_approved(call: Call, **kwargs: Any) -> FundPlan:
    return services.fund_plan_transition(actor=head(), plan=drafted(call, **kwargs), action="head_approve")


def approved_plan(call: Call, **kwargs: Any) -> FundPlan:
    return services.fund_plan_transition(
        actor=finance(), plan=head_approved(call, **kwargs), action="finance_approve"
    )


def first_instalment(plan: FundPlan, level: str = "municipal") -> Instalment:
    return (
        Instalment.objects.filter(share__item__plan=plan, share__level=level, sequence=1).order_by("pk").get()
    )


def pay(
    instalment: Instalment, *, actor: Any = None, amount: Decimal | None = None, key: str = "k1", **kw: Any
):
    values = {
        "paid_on": timezone.localdate() - dt.timedelta(days=1),
        "voucher_number": "财拨〔2026〕001号",
        "bank_account": "6222021234567891234",
        **kw,
    }
    return services.payment_record(
        actor=actor or finance(),
        instalment=instalment,
        amount=instalment.amount - instalment.paid if amount is None else amount,
        idempotency_key=key,
        **values,
    )


def user_for_role_of(application: Application) -> Any:
    """A user of the enterprise that owns ``application``."""
    return user_for_role(Role.ENTERPRISE, enterprise=application.enterprise)
