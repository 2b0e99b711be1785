"""What /api/v1/reference answers (the permission matrix is in test_api_permissions.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.enterprises.models import CreditCodeException

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"
FAILING = "91310000132149237H"
REASON = "已核对营业执照原件，该代码为早期赋码，与登记机关记录一致。"


def post(client, path, body):
    return client.post(f"{BASE}{path}", data=body, content_type="application/json")


# --- districts and industries ---------------------------------------------------------------
def test_districts(client):
    response = client.get(f"{BASE}/districts")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 16
    assert rows[0] == {"code": "310101", "name": "黄浦区", "name_en": "Huangpu District"}
    assert {"code": "310115", "name": "浦东新区", "name_en": "Pudong New Area"} in rows


def test_industries_all_and_filtered(client):
    everything = client.get(f"{BASE}/industries").json()
    assert len(everything) == 20 + 97
    sections = client.get(f"{BASE}/industries", {"level": "section"}).json()
    assert [s["code"] for s in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert {s["code"] for s in sections if s["is_industrial"]} == {"B", "C", "D"}
    assert sections[2] == {
        "code": "C",
        "name": "制造业",
        "name_en": "Manufacturing",
        "level": "section",
        "parent": None,
        "is_industrial": True,
    }
    divisions = client.get(f"{BASE}/industries", {"parent": "C"}).json()
    assert len(divisions) == 31
    assert divisions[0] == {
        "code": "13",
        "name": "农副食品加工业",
        "name_en": "Processing of Food from Agricultural Products",
        "level": "division",
        "parent": "C",
        "is_industrial": True,
    }
    both = client.get(f"{BASE}/industries", {"level": "division", "parent": "C"}).json()
    assert both == divisions
    assert [d["code"] for d in client.get(f"{BASE}/industries", {"parent": "I"}).json()] == ["63", "64", "65"]
    assert client.get(f"{BASE}/industries", {"parent": "65"}).json() == []


def test_an_unknown_industry_level_is_a_422(client):
    response = client.get(f"{BASE}/industries", {"level": "sector"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"][0]["field"] == "level"


def test_reference_lists_take_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(f"{BASE}/districts")
    with django_assert_num_queries(1):
        client.get(f"{BASE}/industries")


# --- checks ---------------------------------------------------------------------------------
def test_credit_code_check_valid(client):
    response = post(client, "/credit-code/check", {"code": "91310000132149237g"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "91310000132149237G"
    assert body["valid"] is True
    assert body["errors"] == []
    assert {"label": "登记管理部门", "value": "9 工商/市场监管"} in body["facts"]


def test_credit_code_check_invalid_is_200_with_reasons(client):
    body = post(client, "/credit-code/check", {"code": FAILING}).json()
    assert body["valid"] is False
    assert body["errors"] == ["第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"]


def test_credit_code_check_warning(client):
    body = post(client, "/credit-code/check", {"code": "91110108551385082Q"}).json()
    assert body["valid"] is True
    assert "不在上海市" in body["warnings"][0]


def test_credit_code_check_ignores_exceptions(client, role_users):
    # The public check is the standard's; exceptions (and their reasons) are for officials.
    from jigai.enterprises.services import credit_code_exception_accept

    credit_code_exception_accept(actor=role_users[Role.MUNICIPAL_OFFICER], code=FAILING, reason=REASON)
    body = post(client, "/credit-code/check", {"code": FAILING}).json()
    assert body["valid"] is False
    assert REASON not in str(body)


def test_project_code_check(client):
    good = post(client, "/project-code/check", {"code": "2026-310115-34-03-012345"}).json()
    assert good["valid"] is True
    assert {"label": "行政区划", "value": "310115"} in good["facts"]
    bad = post(client, "/project-code/check", {"code": "2026-310115-34-03"}).json()
    assert bad["valid"] is False
    assert bad["errors"][0] == "投资项目代码当前为 17 位。"


@pytest.mark.parametrize("path", ["/credit-code/check", "/project-code/check"])
def test_checks_without_a_code_are_422(client, path):
    response = post(client, path, {})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"] == [{"field": "code", "message": "此项为必填项。"}]


def test_a_code_too_long_is_422(client):
    response = post(client, "/credit-code/check", {"code": "9" * 61})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "code"


# --- size -----------------------------------------------------------------------------------
def test_enterprise_size(client):
    response = post(client, "/enterprise-size", {"employees": 1500, "operating_revenue": "10000.00"})
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == "medium"
    assert body["size_label"] == "中型"
    assert body["by_employees"] == "large"
    assert body["by_revenue"] == "medium"
    assert "下划一档" in body["message"]


def test_enterprise_size_boundary_as_json_number(client):
    body = post(client, "/enterprise-size", {"employees": 999, "operating_revenue": 40000}).json()
    assert body["size"] == "medium"
    body = post(client, "/enterprise-size", {"employees": 1000, "operating_revenue": "39999.99"}).json()
    assert body["size"] == "medium"
    body = post(client, "/enterprise-size", {"employees": 1000, "operating_revenue": 40000}).json()
    assert body["size"] == "large"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"employees": -1, "operating_revenue": "100"}, "employees", "不能小于 0。"),
        ({"employees": "many", "operating_revenue": "100"}, "employees", "请输入整数。"),
        ({"employees": 10, "operating_revenue": "-0.01"}, "operating_revenue", "不能小于 0。"),
        ({"employees": 10, "operating_revenue": "abc"}, "operating_revenue", "请输入数字。"),
        ({"employees": 10}, "operating_revenue", "此项为必填项。"),
    ],
)
def test_enterprise_size_bad_input_is_422_with_details(client, body, field, message):
    response = post(client, "/enterprise-size", body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert {"field": field, "message": message} in payload["details"]


def test_enterprise_size_too_many_decimals_is_422(client):
    response = post(client, "/enterprise-size", {"employees": 10, "operating_revenue": "1.234"})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "operating_revenue"


# --- credit-code exceptions -----------------------------------------------------------------
def test_accept_and_list_exceptions(client, role_users):
    officer = role_users[Role.DISTRICT_OFFICER]
    client.force_login(officer)
    response = post(client, "/credit-code-exceptions", {"code": FAILING.lower(), "reason": REASON})
    assert response.status_code == 201
    created = response.json()
    assert created["code"] == FAILING
    assert created["reason"] == REASON
    assert created["accepted_by"] == str(officer)
    assert AuditEvent.objects.filter(action="credit_code_exception.accept", actor_id=officer.pk).count() == 1

    listing = client.get(f"{BASE}/credit-code-exceptions").json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == created["id"]


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"code": "91310000132149237G", "reason": REASON}, "code", "无需作为例外接受"),
        ({"code": "91310000I32149237G", "reason": REASON}, "code", "不是统一社会信用代码的格式"),
        ({"code": FAILING, "reason": "太短"}, "reason", "至少 10 个字"),
        ({"code": FAILING}, "reason", "此项为必填项。"),
    ],
)
def test_bad_exception_input_is_422_and_stores_nothing(client, role_users, body, field, fragment):
    client.force_login(role_users[Role.MUNICIPAL_HEAD])
    response = post(client, "/credit-code-exceptions", body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert any(d["field"] == field and fragment in d["message"] for d in payload["details"]), payload
    assert fragment in payload["message"]
    assert not CreditCodeException.objects.exists()


def test_a_duplicate_exception_is_422(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    assert post(client, "/credit-code-exceptions", {"code": FAILING, "reason": REASON}).status_code == 201
    response = post(client, "/credit-code-exceptions", {"code": FAILING, "reason": REASON})
    assert response.status_code == 422
    assert "无需重复接受" in response.json()["message"]
    assert CreditCodeException.objects.count() == 1


def test_a_refusal_says_why(client, role_users):
    client.force_login(role_users[Role.ENTERPRISE])
    response = post(client, "/credit-code-exceptions", {"code": FAILING, "reason": REASON})
    assert response.status_code == 403
    assert response.json()["message"] == (
        "只有区经委经办人、区经委负责人、市经信委经办人、市经信委负责人可以管理信用代码校验例外。"
    )
    assert not CreditCodeException.objects.exists()


def test_exception_list_query_count_stays_flat(client, role_users):
    from jigai.enterprises.services import credit_code_exception_accept

    officer = role_users[Role.MUNICIPAL_OFFICER]
    client.force_login(officer)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/credit-code-exceptions").status_code == 200
        return len(queries)

    count_queries()  # the first request of a session also writes the session
    credit_code_exception_accept(actor=officer, code=FAILING, reason=REASON)
    one = count_queries()
    for last in "JKLMN":
        credit_code_exception_accept(
            actor=role_users[Role.DISTRICT_HEAD], code=FAILING[:-1] + last, reason=REASON
        )
    assert count_queries() == one
