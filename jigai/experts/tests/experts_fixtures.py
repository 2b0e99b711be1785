"""Builders of the expert review tests: a published call, applications already in expert review
(their district and municipal steps are other tests' business), experts of the pool, panels.

Applications are written directly in the ``expert_review`` state: the earlier transitions have
checks of their own (documents, signatures) that these tests do not exercise.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.catalog.models import CatalogItem
from jigai.core.testing import factories
from jigai.core.testing.factories import EnterpriseFactory, UserFactory, municipal_user
from jigai.enterprises.models import Enterprise
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment, ExpertConflict, ExpertProfile, Panel
from jigai.experts.scoring import ScoreInput
from jigai.reference.models import Industry

_serial = itertools.count(1)
CALL_DIRECTIONS = ["1.1", "1.2", "2.1"]


def review_call(**overrides: Any) -> Call:
    """A published call (open now) on the default catalog, directions 1.1, 1.2 and 2.1."""
    overrides.setdefault("direction_codes", CALL_DIRECTIONS)
    return factories.open_call(**overrides)


def enterprise(**kwargs: Any) -> Enterprise:
    made = EnterpriseFactory(**kwargs)
    assert isinstance(made, Enterprise)
    return made


def in_expert_review(
    call: Call,
    *,
    applicant: Enterprise | None = None,
    direction: str = "1.1",
    total_investment: Decimal = Decimal("30000000.00"),
    name: str = "",
) -> Application:
    """An application of ``call`` in expert review."""
    applicant = applicant or enterprise()
    n = next(_serial)
    assert call.current_rules is not None
    return Application.objects.create(
        call=call,
        rules=call.current_rules,
        enterprise=applicant,
        district=applicant.district,
        site_district=applicant.district,
        reference_number=f"JG2026-{applicant.district_id}-{n:05d}",
        name=name or f"智能化技术改造项目{n}",
        status=ApplicationStatus.EXPERT_REVIEW,
        direction=CatalogItem.objects.get(version=call.catalog_version, code=direction),
        total_investment=total_investment,
        fixed_asset_investment=total_investment * Decimal("0.7"),
        requested_support=(total_investment * Decimal("0.1")).quantize(Decimal("0.01")),
        summary="建设数字化车间。",
        created_by=municipal_user(),
        submitted_at=timezone.now(),
    )


def institution(name: str = "") -> Organisation:
    return Organisation.objects.create(
        name=name or f"上海某研究院{next(_serial)}", kind=OrganisationKind.INSTITUTION
    )


def expert_user(**kwargs: Any) -> User:
    """A user of role expert (employed by a new institution unless told otherwise)."""
    kwargs.setdefault("organisation", institution())
    user = UserFactory(role=Role.EXPERT, **kwargs)
    assert isinstance(user, User)
    return user


def expert(
    *,
    employer: Organisation | None = None,
    directions: tuple[str, ...] = ("1.1",),
    industries: tuple[str, ...] = (),
    active: bool = True,
    user: User | None = None,
    email: str = "",
) -> ExpertProfile:
    """An expert of the pool: its own employer (an institution) unless told otherwise; directions
    are codes of the published catalog."""
    if user is None:
        user = expert_user(organisation=employer or institution(), email=email)
    profile = ExpertProfile.objects.create(user=user, is_active=active, title="教授级高级工程师")
    catalog = factories.published_catalog()
    profile.directions.set(CatalogItem.objects.filter(version=catalog, code__in=directions))
    profile.industries.set(Industry.objects.filter(code__in=industries))
    return profile


def pool(n: int, **kwargs: Any) -> list[ExpertProfile]:
    return [expert(**kwargs) for _ in range(n)]


def declare_conflict(profile: ExpertProfile, organisation: Organisation, reason: str = "曾任顾问") -> None:
    ExpertConflict.objects.create(expert=profile, organisation=organisation, reason=reason)


def relate(a: Organisation, b: Organisation) -> None:
    a.related_organisations.add(b)


def deadline(days: int = 14) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def officer() -> User:
    return municipal_user(Role.MUNICIPAL_OFFICER)


def assignment_for(
    profile: ExpertProfile,
    application: Application,
    *,
    status: str = AssignmentStatus.DRAWN,
    panel: Panel | None = None,
) -> Assignment:
    """An assignment written directly (the draw has its own tests), with the call's panel and the
    default rubric saved."""
    from jigai.experts.services import rubric_ensure

    panel = (
        panel
        or Panel.objects.get_or_create(
            call=application.call,
            defaults={"seed": "test", "deadline": deadline(), "drawn_at": timezone.now()},
        )[0]
    )
    rubric_ensure(application.call)
    position = Assignment.objects.filter(application=application).count() + 1
    return Assignment.objects.create(
        panel=panel,
        application=application,
        expert=profile,
        status=status,
        draw_position=position,
        drawn_at=timezone.now(),
        declared_at=timezone.now() if status != AssignmentStatus.DRAWN else None,
    )


def full_scores(value: str = "80", comment: str = "论证充分。") -> dict[str, ScoreInput]:
    """The same score on every default criterion."""
    from jigai.experts.services import DEFAULT_RUBRIC

    return {c.code: ScoreInput(value, comment) for c in DEFAULT_RUBRIC}


def scores_body(value: str = "80") -> dict[str, Any]:
    from jigai.experts.services import DEFAULT_RUBRIC

    return {
        "scores": [{"code": c.code, "score": value, "comment": "论证充分。"} for c in DEFAULT_RUBRIC],
        "investment_opinion": "25000000.00",
        "overall_comment": "项目技术路线清晰，建议支持。",
    }
