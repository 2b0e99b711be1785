"""Demo data of the decision and publicity: a proposed list of the closed 2026 call in publicity now.

:func:`demo_publicity_seed` runs after the demo's accounts, programme and applications exist (after
:func:`jigai.demo.demo_experts.demo_expert_review_seed`, whose 徐汇区 applications it leaves alone).
It

1. takes up to :data:`APPLICATIONS` submitted applications of the closed call in 闵行区, 嘉定区 and
   松江区 (:data:`DISTRICTS`: not the districts of the named demo accounts or of the expert demo)
   and records the way they came to comprehensive review — district review, the district head's
   signed recommendation (推荐文号), municipal first review, expert review — as history rows, with
   each application's final expert score on its decision (demo data: not replayed through each
   service, as the expert demo does);
2. then through the services, as the commission does it (each step audited): the officer
   ``municipal`` lowers one application's support with a reason; the head ``municipal_head``
   proposes the first :data:`PROPOSED` (the others not, with the reason) and publishes the list
   starting today, so that the public page (/publicity/) shows it and takes objections at once.

Same database, same result: the choices are by submission order and primary key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jigai.accounts.models import User
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application, ApplicationTransition
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call
from jigai.decisions.amounts import formula_support
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.publicity import publicity_start
from jigai.decisions.services import decision_set_amounts, proposed_list_propose
from jigai.demo.accounts import district_head_username, district_officer_username
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import Recommendation, RecommendationItem

APPLICATIONS = 8
PROPOSED = 6
DISTRICTS = ("310112", "310114", "310117")
DOCUMENT_NUMBERS = {
    "310112": "闵经委〔2026〕9号",
    "310114": "嘉经委〔2026〕11号",
    "310117": "松经委〔2026〕7号",
}
NOT_PROPOSED_REASON = "综合评审得分排名靠后，本批次不予支持。"
REDUCTION_REASON = "部分软件投资为运维服务费用，不计入核定总投入对应的支持金额。"


@dataclass(frozen=True)
class PublicityDemoSummary:
    call_id: int
    applications: int
    proposed: int
    proposed_list_id: int


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _closed_call() -> Call | None:
    now = timezone.now()
    for call in Call.objects.filter(status=CallStatus.PUBLISHED, closes_at__lte=now).order_by(
        "opens_at", "pk"
    ):
        if Application.objects.filter(call=call, status=S.SUBMITTED, district_id__in=DISTRICTS).exists():
            return call
    return None


def _history(applications: list[Application], call: Call, now: dt.datetime) -> None:
    """The history of each application from submission to comprehensive review."""
    municipal = _user("municipal")
    start = now - dt.timedelta(days=40)
    rows = []
    for district in sorted({a.district_id for a in applications}):
        mine = [a for a in applications if a.district_id == district]
        officer = _user(district_officer_username(district))
        head = _user(district_head_username(district))
        recommendation = Recommendation.objects.create(
            call=call,
            district_id=district,
            document_number=DOCUMENT_NUMBERS[district],
            status=RecommendationStatus.SIGNED,
            opinion="经审核，以下项目符合申报条件，同意推荐。",
            prepared_by=officer,
            signed_by=head,
            signed_at=start + dt.timedelta(days=3),
        )
        RecommendationItem.objects.bulk_create(
            RecommendationItem(recommendation=recommendation, application=a, priority=n, opinion="材料齐全。")
            for n, a in enumerate(mine, start=1)
        )
        steps = [
            ("district_start", S.SUBMITTED, S.DISTRICT_REVIEW, officer, ""),
            ("district_recommend", S.DISTRICT_REVIEW, S.RECOMMENDED, head, DOCUMENT_NUMBERS[district]),
            ("municipal_start", S.RECOMMENDED, S.MUNICIPAL_REVIEW, municipal, ""),
            ("to_expert_review", S.MUNICIPAL_REVIEW, S.EXPERT_REVIEW, municipal, ""),
            ("to_comprehensive_review", S.EXPERT_REVIEW, S.COMPREHENSIVE_REVIEW, municipal, ""),
        ]
        rows += [
            ApplicationTransition(
                application=a,
                from_status=source,
                to_status=target,
                action=action,
                actor=actor,
                actor_role=actor.role,
                comment=comment,
            )
            for a in mine
            for action, source, target, actor, comment in steps
        ]
    ApplicationTransition.objects.bulk_create(rows)
    for offset, action in enumerate(
        (
            "district_start",
            "district_recommend",
            "municipal_start",
            "to_expert_review",
            "to_comprehensive_review",
        )
    ):
        ApplicationTransition.objects.filter(application__in=applications, action=action).update(
            created_at=start + dt.timedelta(days=1 + offset * 7)
        )
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=S.COMPREHENSIVE_REVIEW, lock_version=F("lock_version") + 5
    )
    Decision.objects.bulk_create(
        Decision(application=a, final_score=Decimal("91.60") - Decimal("2.35") * n)
        for n, a in enumerate(applications)
    )


def demo_publicity_seed() -> PublicityDemoSummary | None:
    """A list of the closed call in publicity from today (see the module docs); None when the demo
    has no such call or the call already has a list."""
    call = _closed_call()
    if call is None or ProposedList.objects.filter(call=call).exists():
        return None
    applications = list(
        Application.objects.filter(call=call, status=S.SUBMITTED, district_id__in=DISTRICTS)
        .select_related("rules")
        .order_by("submitted_at", "pk")[:APPLICATIONS]
    )
    if not applications:
        return None
    now = timezone.now()
    with transaction.atomic():
        _history(applications, call, now)
    for application in applications:
        application.refresh_from_db()
    officer, head = _user("municipal"), _user("municipal_head")
    chosen = applications[:PROPOSED]
    if len(chosen) >= 3:
        lowered = chosen[2]
        formula = formula_support(lowered, lowered.total_investment)
        decision_set_amounts(
            actor=officer,
            application=lowered,
            approved_investment=lowered.total_investment,
            approved_support=(formula * Decimal("0.8")).quantize(Decimal("0.01"), rounding=ROUND_DOWN),
            reduction_reason=REDUCTION_REASON,
        )
    proposed_list = proposed_list_propose(
        actor=head,
        call=call,
        application_ids=[a.pk for a in chosen],
        not_proposed_reason=NOT_PROPOSED_REASON,
    )
    publicity_start(actor=head, call=call, starts_on=timezone.localdate())
    return PublicityDemoSummary(
        call_id=call.pk,
        applications=len(applications),
        proposed=len(chosen),
        proposed_list_id=proposed_list.pk,
    )
