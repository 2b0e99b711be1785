"""An application number that does not exist and one outside the user's scope answer alike, for
every role on every page about one application: 404 where the role may use the page, the 403 of
the role's refusal where it may not (whatever the number). Nothing tells a user that a number
it may not see exists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.tests.conftest import eligible_application_for, make_enterprise, project_code
from jigai.core.testing.factories import user_for_role

pytestmark = pytest.mark.django_db

#: (url name, method) of the pages about one application
ROUTES = [
    ("applications:official_detail", "get"),
    ("applications:my_detail", "get"),
    ("applications:edit", "get"),
    ("applications:eligibility", "get"),
    ("applications:submit", "post"),
    ("applications:withdraw", "post"),
    ("applications:delete_draft", "post"),
    ("review:district_detail", "get"),
    ("review:district_start", "post"),
    ("review:resubmit", "post"),
]
MISSING = 999_999


def _user(role: str):
    if role == Role.ENTERPRISE:
        return user_for_role(role, enterprise=make_enterprise(district_code="310115"))
    return user_for_role(role, district_code="310115")


@pytest.mark.parametrize("role", Role.values)
def test_a_missing_number_and_one_out_of_scope_answer_alike(role, open_call):
    xuhui = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310104"))
    other = services.application_submit(
        actor=xuhui,
        application=eligible_application_for(xuhui, open_call, project_code=project_code("310104")),
    )
    client = Client(raise_request_exception=False)
    client.force_login(_user(role))
    for name, method in ROUTES:
        answers = [
            getattr(client, method)(reverse(name, args=[pk])).status_code for pk in (MISSING, other.pk)
        ]
        if answers[1] == 200:
            continue  # a role that sees the whole city may read it
        assert answers[0] == answers[1], (role, name, answers)
        assert answers[0] in (403, 404), (role, name, answers)


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.MUNICIPAL_OFFICER])
def test_an_official_opening_a_number_that_does_not_exist_gets_404(client, role):
    client.force_login(_user(role))
    assert client.get(reverse("applications:official_detail", args=[MISSING])).status_code == 404
    if role != Role.MUNICIPAL_OFFICER:
        assert client.get(reverse("review:district_detail", args=[MISSING])).status_code == 404
