"""GET /api/v1/applications writes each row straight from its schema (jigai.core.api_lists): the
body is the one ninja's own validation of the same rows gives, in Chinese and in English, with and
without a direction, and a page costs as many queries for 2 rows as for 20."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from jigai.accounts.choices import Role
from jigai.applications import selectors
from jigai.applications.api import ApplicationListItem
from jigai.applications.choices import ApplicationStatus
from jigai.applications.tests.conftest import make_enterprise
from jigai.applications.tests.test_official_list import make_application
from jigai.core.testing.factories import user_for_role

pytestmark = pytest.mark.django_db


def ninja_items(actor: Any, limit: int = 20) -> list[Any]:
    """The items as ``@paginate`` + pydantic would write them."""
    rows = selectors.application_list(actor=actor)[:limit]
    dumped = [ApplicationListItem.model_validate(row).model_dump() for row in rows]
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_list_body_is_what_the_schema_gives(client, open_call, language):
    pudong = make_enterprise(name="上海浦江精密机械有限公司", district_code="310115")
    xuhui = make_enterprise(name="上海徐汇芯片封装有限公司", district_code="310104", industry_id="39")
    make_application(pudong, open_call, name="精密轴承磨削线改造", has_duplicate_flags=True)
    make_application(xuhui, open_call, direction="1.2", status=ApplicationStatus.WITHDRAWN)
    make_application(pudong, open_call, direction="1.1", direction_id=None)
    make_application(pudong, open_call, status=ApplicationStatus.DRAFT)
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    client.force_login(officer)
    response = client.get("/api/v1/applications?limit=20", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.json()
    with translation.override(language):
        expected = ninja_items(officer)
    assert body == {"items": expected, "count": 3}
    assert {row["direction"] is None for row in body["items"]} == {True, False}
    labels = {row["status_label"] for row in body["items"]}
    assert labels == ({"已提交", "已撤回"} if language == "zh-hans" else {"Submitted", "Withdrawn"})


def test_a_page_costs_the_same_queries_for_2_and_20_rows(client, open_call):
    pudong = make_enterprise(district_code="310115")
    client.force_login(user_for_role(Role.DISTRICT_OFFICER))

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/applications?limit=20")
        assert response.status_code == 200
        return len(ctx)

    queries()  # the first request of a session also writes the session
    for _ in range(2):
        make_application(pudong, open_call)
    few = queries()
    for _ in range(18):
        make_application(pudong, open_call)
    assert queries() == few
