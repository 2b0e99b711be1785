"""Test data for the decision, publicity and objection tests.

Applications are written straight into "comprehensive review" with their experts' final score:
these tests are about what happens from there on (the whole road through the workflow is driven
in ``test_full_flow.py``). Everything after that point goes through the services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.core.testing import factories
from jigai.core.testing.factories import EnterpriseFactory, municipal_user, user_for_role
from jigai.decisions import publicity
from jigai.decisions import services as decision
from jigai.decisions.models import Decision, ProposedList
from jigai.enterprises.models import Enterprise
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment, ExpertProfile, Panel

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
_serial = itertools.count(1)


def call_with_budget(budget: str | Decimal | None = "10000000.00", **overrides: Any) -> Call:
    """A published call (open now, default 2026 rules: 10 %, cap 1亿元, 5 working days) with a budget."""
    return factories.open_call(budget=Decimal(budget) if budget is not None else None, **overrides)


def head() -> Any:
    return municipal_user(Role.MUNICIPAL_HEAD)


def officer() -> Any:
    return municipal_user(Role.MUNICIPAL_OFFICER)


def in_review(
    call: Call,
    *,
    total: str | Decimal = "30000000.00",
    score: str | Decimal | None = "80.00",
    enterprise: Enterprise | None = None,
    district_code: str = "310115",
    status: str = ApplicationStatus.COMPREHENSIVE_REVIEW,
    submitted_minutes_ago: int | None = None,
    name: str = "",
) -> Application:
    """An application of ``call`` in comprehensive review with the experts' final score."""
    n = next(_serial)
    enterprise = enterprise or EnterpriseFactory.create(district_code=district_code)
    total = Decimal(total)
    minutes = submitted_minutes_ago if submitted_minutes_ago is not None else 10000 - n
    application = Application.objects.create(
        call=call,
        rules=call.rules,
        enterprise=enterprise,
        district=enterprise.district,
        site_district=enterprise.district,
        reference_number=f"JG{call.year}-{enterprise.district_id}-T{n:04d}",
        status=status,
        name=name or f"智能化技术改造项目{n}",
        total_investment=total,
        fixed_asset_investment=(total * Decimal("0.7")).quantize(Decimal("0.01")),
        fixed_asset_share=Decimal("0.700000"),
        requested_support=min(total * call.rules.support_rate, call.rules.cap_per_project),
        created_by=municipal_user(),
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes),
    )
    Decision.objects.create(
        application=application, final_score=Decimal(score) if score is not None else None
    )
    return application


def expert_opinions(application: Application, opinions: list[str | None]) -> None:
    """Scored assignments of ``application`` with these investment opinions (None: no opinion)."""
    panel, _created = Panel.objects.get_or_create(call=application.call)
    for opinion in opinions:
        profile = ExpertProfile.objects.create(user=user_for_role(Role.EXPERT))
        Assignment.objects.create(
            panel=panel,
            application=application,
            expert=profile,
            status=AssignmentStatus.SCORED,
            total_score=Decimal("80"),
            investment_opinion=Decimal(opinion) if opinion is not None else None,
            scored_at=timezone.now(),
        )


def propose(call: Call, applications: list[Application], reason: str = "综合评审排名靠后") -> ProposedList:
    return decision.proposed_list_propose(
        actor=head(), call=call, application_ids=[a.pk for a in applications], not_proposed_reason=reason
    )


def publish(call: Call, starts_on: dt.date | None = None) -> ProposedList:
    """Publish the proposed list of ``call``, starting today (objections open now) unless told."""
    return publicity.publicity_start(actor=head(), call=call, starts_on=starts_on or timezone.localdate())


def in_publicity(
    *, count: int = 2, budget: str = "10000000.00", totals: list[str] | None = None
) -> tuple[Call, list[Application], ProposedList]:
    """A call whose list of ``count`` applications (3,000万元 each, 300万元 support) is in publicity."""
    call = call_with_budget(budget)
    totals = totals or ["30000000.00"] * count
    applications = [in_review(call, total=t, score=str(90 - i)) for i, t in enumerate(totals)]
    propose(call, applications)
    proposed_list = publish(call)
    for application in applications:
        application.refresh_from_db()
    return call, applications, proposed_list


def close_publicity(proposed_list: ProposedList) -> ProposedList:
    """Move the list's closing moment into the past (as if its working days had gone by)."""
    ProposedList.objects.filter(pk=proposed_list.pk).update(
        publicity_starts_on=timezone.localdate() - dt.timedelta(days=10),
        publicity_ends_at=timezone.now() - dt.timedelta(minutes=1),
    )
    proposed_list.refresh_from_db()
    return proposed_list
