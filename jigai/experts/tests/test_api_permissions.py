"""Permission matrix of the expert review endpoints (/api/v1/review/…): every endpoint × every role.

When the acting role is ``expert``, the assignment a row acts on is the acting expert's own (so
"allowed" means its own); otherwise it belongs to another expert. Roles outside the assignment's
scope get 404 (its existence is not revealed); roles that see it but may not act get 403 with the
reason. Found by jigai/core/tests/test_api_coverage.py (``test_api_permissions_*`` modules).
"""

from __future__ import annotations

from typing import Any

from jigai.accounts.choices import Role
from jigai.core.testing.permissions import Endpoint, endpoint_matrix_test
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import ExpertProfile
from jigai.experts.tests.experts_fixtures import (
    assignment_for,
    deadline,
    declare_conflict,
    expert,
    expert_user,
    in_expert_review,
    institution,
    pool,
    review_call,
    scores_body,
)

BASE = "/api/v1/review"
EXPERT = frozenset({Role.EXPERT})
OFFICER = frozenset({Role.MUNICIPAL_OFFICER})
READERS = frozenset({Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD})
RUBRIC_READERS = READERS | EXPERT
ASSIGNMENT_READERS = READERS | EXPERT


def _profile_of(user: Any) -> ExpertProfile:
    """The acting expert's own pool entry, or another expert's for any other role."""
    if user is not None and user.role == Role.EXPERT:
        return ExpertProfile.objects.get_or_create(user=user)[0]
    return expert()


def _assignment(user: Any, status: str = AssignmentStatus.DRAWN) -> dict[str, Any]:
    application = in_expert_review(review_call())
    return {"assignment_id": assignment_for(_profile_of(user), application, status=status).pk}


def drawn(user: Any) -> dict[str, Any]:
    return _assignment(user)


def accepted(user: Any) -> dict[str, Any]:
    return _assignment(user, AssignmentStatus.ACCEPTED)


def to_score(user: Any) -> dict[str, Any]:
    return {**accepted(user), "body": scores_body()}


def replaceable(user: Any) -> dict[str, Any]:
    application = in_expert_review(review_call())
    pool(2)
    return {"assignment_id": assignment_for(expert(), application).pk, "body": {"reason": "出差"}}


def call_to_draw(user: Any) -> dict[str, Any]:
    call = review_call()
    in_expert_review(call)
    pool(5)
    return {
        "call_id": call.pk,
        "body": {"experts_per_application": 5, "deadline": deadline().isoformat(), "seed": "matrix"},
    }


def call_with_panel(user: Any) -> dict[str, Any]:
    call = review_call()
    assignment_for(expert(), in_expert_review(call))
    return {"call_id": call.pk}


def panel_to_close(user: Any) -> dict[str, Any]:
    call = review_call()
    assignment_for(expert(), in_expert_review(call), status=AssignmentStatus.SCORED)
    return {"call_id": call.pk}


def call_only(user: Any) -> dict[str, Any]:
    return {"call_id": review_call().pk}


def rubric_body(user: Any) -> dict[str, Any]:
    return {
        **call_only(user),
        "body": {
            "criteria": [
                {"code": "technology", "name": "技术水平", "weight": "60", "max_score": "100"},
                {"code": "benefit", "name": "效益", "weight": "40", "max_score": "50"},
            ]
        },
    }


def expert_user_to_add(user: Any) -> dict[str, Any]:
    from jigai.core.testing.factories import published_catalog

    published_catalog()
    candidate = expert_user()
    return {"body": {"user_id": candidate.pk, "title": "研究员", "direction_codes": ["1.1"]}}


def pool_entry(user: Any) -> dict[str, Any]:
    return {"expert_id": expert().pk, "body": {"title": "正高级工程师", "direction_codes": ["1.2"]}}


def own_profile(user: Any) -> dict[str, Any]:
    _profile_of(user)
    return {}


def conflict_body(user: Any) -> dict[str, Any]:
    _profile_of(user)
    organisation = institution("上海某集团有限公司")
    return {"body": {"organisation": organisation.name, "reason": "曾任该集团顾问"}}


def declared_conflict(user: Any) -> dict[str, Any]:
    profile = _profile_of(user)
    organisation = institution()
    declare_conflict(profile, organisation)
    return {"organisation_id": organisation.pk}


A = BASE + "/assignments/{assignment_id}"
ENDPOINTS = [
    # the expert
    Endpoint("GET", BASE + "/expert/assignments", allowed=EXPERT),
    Endpoint("GET", A, allowed=ASSIGNMENT_READERS, setup=drawn, denied_status=(404,)),
    Endpoint(
        "POST",
        A + "/declare",
        allowed=EXPERT,
        setup=drawn,
        body={"no_conflict": True},
        denied_status=(403, 404),
    ),
    Endpoint("GET", A + "/application", allowed=EXPERT, setup=accepted, denied_status=(403, 404)),
    Endpoint("POST", A + "/scores", allowed=EXPERT, setup=to_score, denied_status=(403, 404)),
    Endpoint("GET", BASE + "/expert/profile", allowed=EXPERT, setup=own_profile),
    Endpoint("POST", BASE + "/expert/conflicts", allowed=EXPERT, setup=conflict_body),
    Endpoint(
        "DELETE",
        BASE + "/expert/conflicts/{organisation_id}",
        allowed=EXPERT,
        setup=declared_conflict,
    ),
    # the pool
    Endpoint("GET", BASE + "/experts", allowed=READERS),
    Endpoint("POST", BASE + "/experts", allowed=OFFICER, setup=expert_user_to_add),
    Endpoint("GET", BASE + "/experts/{expert_id}", allowed=READERS, setup=pool_entry),
    Endpoint("PUT", BASE + "/experts/{expert_id}", allowed=OFFICER, setup=pool_entry),
    # rubric and panel
    Endpoint("GET", BASE + "/calls/{call_id}/rubric", allowed=RUBRIC_READERS, setup=call_only),
    Endpoint("PUT", BASE + "/calls/{call_id}/rubric", allowed=OFFICER, setup=rubric_body),
    Endpoint("POST", BASE + "/calls/{call_id}/panel", allowed=OFFICER, setup=call_to_draw),
    Endpoint("GET", BASE + "/calls/{call_id}/panel", allowed=READERS, setup=call_with_panel),
    Endpoint("POST", BASE + "/calls/{call_id}/panel/close", allowed=OFFICER, setup=panel_to_close),
    Endpoint("GET", BASE + "/calls/{call_id}/panel/verify", allowed=READERS, setup=call_with_panel),
    Endpoint("POST", A + "/replace", allowed=OFFICER, setup=replaceable),
    Endpoint("POST", A + "/remind", allowed=OFFICER, setup=drawn),
]

test_api_permissions_experts = endpoint_matrix_test(ENDPOINTS)
