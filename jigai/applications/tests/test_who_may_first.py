"""Who may, before whether now (issue 13): every role × every endpoint that takes an application
through a transition, with the application in a state the action does not start from.

A role that may never take the action is refused as such — 403 with the reason naming the roles
that may, or 404 when the application is outside its scope — whatever the state; a role that may
take it is told about the state (422). Before, the development and reform commission's read-only
user submitting an application it can read was told about the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from jigai.accounts.choices import Role
from jigai.applications import services, workflow
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.tests.conftest import CALL_DIRECTIONS, eligible_application_for
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role

DISTRICT = "310115"


@dataclass(frozen=True)
class Step:
    action: str
    path: str
    body: dict[str, Any] | None = None


APPLICATION = "/api/v1/applications/{pk}"
REVIEW = "/api/v1/review/applications/{pk}"
STEPS = (
    Step("submit", APPLICATION + "/submit"),
    Step("withdraw", APPLICATION + "/withdraw", {"reason": "项目调整"}),
    Step("district_start", REVIEW + "/district-start"),
    Step(
        "district_return",
        REVIEW + "/district-return",
        {"items": [{"section": "investment", "reason": "投资明细与报价不符"}]},
    ),
    Step("resubmit", REVIEW + "/resubmit"),
    Step("district_decline", REVIEW + "/district-decline", {"reason": "不符合本区产业导向"}),
    Step("municipal_start", REVIEW + "/municipal-start"),
    Step("municipal_return", REVIEW + "/municipal-return", {"reason": "投资估算依据不足"}),
    Step("to_expert_review", REVIEW + "/to-expert-review"),
    Step("to_comprehensive_review", REVIEW + "/to-comprehensive-review"),
)
#: states no step above starts from, or only some do (those cases are left out)
STATES = (ApplicationStatus.APPROVED, ApplicationStatus.EXPERT_REVIEW)


def _roles_of(action: str) -> frozenset[str]:
    return frozenset().union(*(t.roles for t in workflow.BY_ACTION[action]))


def _cases() -> list[Any]:
    cases = []
    for step in STEPS:
        sources = frozenset().union(*(t.sources for t in workflow.BY_ACTION[step.action]))
        for state in STATES:
            if state not in sources:
                cases.append(pytest.param(step, state, id=f"{step.action}-{state}"))
    return cases


@pytest.fixture
def application_in(db: Any) -> Any:
    """Applications of enterprises in 浦东新区 (the matrix users' district) to one open call, moved
    to ``state`` directly: what is tested is the refusal, not how they got there."""
    factories.published_catalog()
    call = factories.open_call(direction_codes=CALL_DIRECTIONS)

    def make(state: str, applicant: Any) -> Application:
        application = eligible_application_for(applicant, call)
        application = services.application_submit(actor=applicant, application=application)
        Application.objects.filter(pk=application.pk).update(status=state)
        application.refresh_from_db()
        return application

    return make


def _outcome(client: Any, step: Step, application: Application, role: str) -> str | None:
    """What is wrong with the answer ``role`` gets, or None."""
    response = client.post(
        step.path.format(pk=application.pk), data=step.body or {}, content_type="application/json"
    )
    body = response.json()
    state = application.status
    application.refresh_from_db()
    if application.status != state:
        return f"{role}: the refused step changed the state to {application.status}"
    may = _roles_of(step.action)
    if role in may:
        if response.status_code != 422 or "当前状态" not in body["message"]:
            return (
                f"{role} may {step.action}: expected 422 about the state, got {response.status_code} {body}"
            )
        return None
    if response.status_code not in (403, 404):
        return f"{role} may never {step.action}: expected 403/404, got {response.status_code} {body}"
    if response.status_code == 403:
        labels = [str(Role(r).label) for r in may]
        if not any(label in body["message"] for label in labels) or "当前状态" in body["message"]:
            return f"{role}: the 403 must name the roles that may, not the state: {body}"
    return None


@pytest.mark.parametrize(("step", "state"), _cases())
def test_who_may_before_whether_now(client: Any, application_in: Any, step: Step, state: str) -> None:
    problems = []
    for role in Role.values:
        user = user_for_role(role, district_code=DISTRICT)
        applicant = (
            user if role == Role.ENTERPRISE else user_for_role(Role.ENTERPRISE, district_code=DISTRICT)
        )
        application = application_in(state, applicant)
        client.force_login(user)
        problems.append(_outcome(client, step, application, role))
        client.logout()
    assert [p for p in problems if p] == []


def test_the_read_only_commission_user_is_refused_as_such(client: Any, application_in: Any) -> None:
    """The case of the issue: the NDRC's read-only user submits an application it can read."""
    application = application_in(
        ApplicationStatus.APPROVED, user_for_role(Role.ENTERPRISE, district_code=DISTRICT)
    )
    client.force_login(user_for_role(Role.NDRC_VIEWER))
    response = client.post(f"/api/v1/applications/{application.pk}/submit")
    assert response.status_code == 403
    assert response.json()["message"] == "只有企业申报用户可以执行“提交申报”。"
