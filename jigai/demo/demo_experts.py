"""Demo data of the expert review: the pool, a few applications in expert review, their panel.

:func:`demo_expert_review_seed` runs after the demo's accounts, programme and applications exist
(``jigai.demo.services.demo_seed`` calls it at the end). It

1. puts every user of role expert in the pool through
   :func:`jigai.experts.services.expert_profile_upsert` (as the municipal officer ``municipal``), with
   a title, a specialty and the catalog directions chosen so that the draw below is readable:
   ``expert_demo`` and four colleagues at universities (``expert_09`` … ``expert_12``) are the only
   experts of the first application's direction, so those five review it; the others share the
   remaining directions (experts ``expert_01`` … ``expert_05`` work at demo enterprises, so the
   conflict-of-interest rule keeps them away from their employers' applications);
2. takes up to :data:`APPLICATIONS` submitted applications of the closed 2026 call in 徐汇区
   (:data:`DISTRICT`) and records the way they came to expert review — taken up by the district
   officer, recommended under a document signed by the district head (推荐文号), taken up and
   passed to the experts by the municipal officer — as history rows (demo data: not replayed
   through each service);
3. draws the panel with the seed ``jigai-demo-2026`` through
   :func:`jigai.experts.draw.expert_panel_draw` (deadline in 14 days), and lets three
   experts of each application that ``expert_demo`` does not review declare no conflict and score.

``expert_demo`` is left with its assignments to declare and score (the end-to-end test does).
Same database, same result: every choice is by sorted ids and the fixed seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application, ApplicationTransition
from jigai.audit.services import audit_record
from jigai.calls.models import Call
from jigai.catalog.choices import CatalogItemKind
from jigai.catalog.models import CatalogItem
from jigai.demo.accounts import district_head_username, district_officer_username
from jigai.experts.choices import AssignmentStatus
from jigai.experts.draw import expert_panel_draw
from jigai.experts.forms import default_deadline_at
from jigai.experts.models import Assignment, ExpertProfile
from jigai.experts.scoring import ScoreInput, expert_assignment_declare, expert_scores_submit
from jigai.experts.selectors import current_catalog
from jigai.experts.services import DEFAULT_RUBRIC, expert_profile_upsert
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import Recommendation, RecommendationItem

APPLICATIONS = 6
#: 徐汇区: not the district of the named demo accounts (浦东新区), whose own walk-through (district
#: review, recommendation) keeps its submitted applications
DISTRICT = "310104"
SEED = "jigai-demo-2026"
SHOWCASE_EXPERTS = ("expert_demo", "expert_09", "expert_10", "expert_11", "expert_12")
DOCUMENT_NUMBER = "徐经信委〔2026〕18号"
TITLES = ("教授", "研究员", "教授级高级工程师", "高级工程师", "副教授")
SPECIALTIES = (
    "数控装备与智能制造",
    "工业互联网与工业软件",
    "节能环保与绿色制造",
    "新材料与化工工艺",
    "技术经济与投资评估",
    "汽车及零部件制造",
)


@dataclass(frozen=True)
class ExpertDemoSummary:
    experts: int
    applications: int
    assignments: int
    scored: int
    showcase_assignments: int


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _chosen_applications(call: Call) -> list[Application]:
    return list(
        Application.objects.filter(
            call=call, status=S.SUBMITTED, district_id=DISTRICT, direction__isnull=False
        )
        .select_related("direction", "enterprise")
        .order_by("submitted_at", "pk")[:APPLICATIONS]
    )


def _directions(applications: list[Application]) -> list[str]:
    codes: list[str] = []
    for application in applications:
        assert application.direction is not None
        if application.direction.code not in codes:
            codes.append(application.direction.code)
    return codes


def _pool(officer: User, showcase_code: str, other_codes: list[str]) -> int:
    """Every expert account into the pool; returns how many."""
    catalog = current_catalog()
    spare = list(
        CatalogItem.objects.filter(version=catalog, kind=CatalogItemKind.DIRECTION)
        .exclude(code__in=[showcase_code, *other_codes])
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )
    others = other_codes or spare[:3] or [showcase_code]
    experts = list(User.objects.filter(role=Role.EXPERT).order_by("username"))
    rest = [u for u in experts if u.username not in SHOWCASE_EXPERTS]
    for n, user in enumerate(experts):
        if user.username in SHOWCASE_EXPERTS:
            codes = [showcase_code]
        else:
            index = rest.index(user)
            codes = [others[index % len(others)]]
            if spare:
                codes.append(spare[index % len(spare)])
        expert_profile_upsert(
            actor=officer,
            user=user,
            title=TITLES[n % len(TITLES)],
            specialty=SPECIALTIES[n % len(SPECIALTIES)],
            direction_codes=codes,
        )
    return len(experts)


def _to_expert_review(applications: list[Application], call: Call, now: dt.datetime) -> None:
    """The history of each application from submission to expert review, and the district's
    signed recommendation document."""
    officer = _user(district_officer_username(DISTRICT))
    head = _user(district_head_username(DISTRICT))
    municipal = _user("municipal")
    assert officer is not None and head is not None and municipal is not None
    start = now - dt.timedelta(days=20)
    recommendation = Recommendation.objects.create(
        call=call,
        district_id=DISTRICT,
        document_number=DOCUMENT_NUMBER,
        status=RecommendationStatus.SIGNED,
        opinion="经审核，以下项目符合申报条件，同意推荐。",
        prepared_by=officer,
        signed_by=head,
        signed_at=start + dt.timedelta(days=3),
    )
    RecommendationItem.objects.bulk_create(
        RecommendationItem(
            recommendation=recommendation, application=a, priority=n, opinion="材料齐全，符合条件。"
        )
        for n, a in enumerate(applications, start=1)
    )
    steps = [
        ("district_start", S.SUBMITTED, S.DISTRICT_REVIEW, officer, 1, ""),
        ("district_recommend", S.DISTRICT_REVIEW, S.RECOMMENDED, head, 3, DOCUMENT_NUMBER),
        ("municipal_start", S.RECOMMENDED, S.MUNICIPAL_REVIEW, municipal, 6, ""),
        ("to_expert_review", S.MUNICIPAL_REVIEW, S.EXPERT_REVIEW, municipal, 9, ""),
    ]
    rows = [
        ApplicationTransition(
            application=a,
            from_status=source,
            to_status=target,
            action=action,
            actor=actor,
            actor_role=actor.role,
            comment=comment,
        )
        for a in applications
        for action, source, target, actor, _days, comment in steps
    ]
    ApplicationTransition.objects.bulk_create(rows)
    # The history is dated as it would have happened (auto_now_add stamps the moment of writing).
    days = {step[0]: step[4] for step in steps}
    for action, offset in days.items():
        ApplicationTransition.objects.filter(
            application__in=applications,
            action=action,
            from_status=next(s[1] for s in steps if s[0] == action),
        ).update(created_at=start + dt.timedelta(days=offset))
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=S.EXPERT_REVIEW, lock_version=F("lock_version") + 4
    )


def _score_some(showcase_expert: ExpertProfile | None) -> int:
    """Three experts of each application ``expert_demo`` does not review declare and score."""
    scored = 0
    mine = set(
        Assignment.objects.filter(expert=showcase_expert).values_list("application_id", flat=True)
        if showcase_expert
        else []
    )
    rows = (
        Assignment.objects.exclude(application_id__in=mine)
        .filter(status=AssignmentStatus.DRAWN)
        .select_related("expert__user", "application", "panel__call")
        .order_by("application_id", "draw_position")
    )
    seen: dict[int, int] = {}
    for assignment in rows:
        if seen.get(assignment.application_id, 0) >= 3:
            continue
        seen[assignment.application_id] = seen.get(assignment.application_id, 0) + 1
        user = assignment.expert.user
        expert_assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        assignment.refresh_from_db()
        base = 70 + (assignment.pk * 7) % 20
        scores = {
            c.code: ScoreInput(Decimal(base + (n * 3) % 9), "论证较充分，技术路线可行。")
            for n, c in enumerate(DEFAULT_RUBRIC)
        }
        expert_scores_submit(
            actor=user,
            assignment=assignment,
            scores=scores,
            investment_opinion=(assignment.application.total_investment * Decimal("0.9")).quantize(
                Decimal("0.01")
            ),
            overall_comment="项目符合支持方向，建议按核减后的投资给予支持。",
        )
        scored += 1
    return scored


def demo_expert_review_seed(
    *, now: dt.datetime | None = None, closed_call: Call | None = None
) -> ExpertDemoSummary:
    """Seed the expert review of the demo (see the module docs). Does nothing when the demo has no
    submitted applications in 徐汇区 of the closed 2026 call, or no municipal officer."""
    now = now or timezone.now()
    officer = _user("municipal")
    call = closed_call or Call.objects.filter(year=2026).order_by("opens_at").first()
    if officer is None or call is None:
        return ExpertDemoSummary(0, 0, 0, 0, 0)
    applications = _chosen_applications(call)
    if not applications:
        return ExpertDemoSummary(0, 0, 0, 0, 0)
    codes = _directions(applications)
    with transaction.atomic():
        experts = _pool(officer, codes[0], codes[1:])
        _to_expert_review(applications, call, now)
        draw = expert_panel_draw(
            actor=officer,
            call=call,
            experts_per_application=5,
            deadline=default_deadline_at(),
            seed=SEED,
        )
        showcase = ExpertProfile.objects.filter(user__username=SHOWCASE_EXPERTS[0]).first()
        scored = _score_some(showcase)
        showcase_count = Assignment.objects.filter(expert=showcase).count() if showcase else 0
        audit_record(
            actor=None,
            action="demo.expert_review",
            object_type="demo",
            object_repr="专家评审演示数据",
            message=(
                f"专家库 {experts} 名专家；{len(applications)} 份徐汇区申报进入专家评审"
                f"（{DOCUMENT_NUMBER}）；"
                f"随机种子 {SEED} 抽取 {draw.assignments} 名次专家，{scored} 份评分。"
            ),
        )
    return ExpertDemoSummary(experts, len(applications), draw.assignments, scored, showcase_count)
