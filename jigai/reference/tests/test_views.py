"""The reference pages: public index with the htmx checker, and the credit-code exceptions page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.enterprises.models import CreditCodeException

pytestmark = pytest.mark.django_db

INDEX = "/reference/"
EXCEPTIONS = "/reference/credit-code-exceptions/"
FAILING = "91310000132149237H"
REASON = "已核对营业执照原件，该代码为早期赋码，与登记机关记录一致。"
ALLOWED = {Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD}
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_url_names():
    assert reverse("reference:index") == INDEX
    assert reverse("reference:credit_code_exceptions") == EXCEPTIONS


# --- index ----------------------------------------------------------------------------------
def test_index_is_public_and_lists_districts_sections_and_divisions(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "310115",
        "浦东新区",
        "310151",
        "崇明区",
        "制造业",
        "国际组织",
        "39",
        "计算机、通信和其他电子设备制造业",
    ):
        assert text in html
    assert response.context["districts"].count() == 16
    sections = list(response.context["sections"])
    assert len(sections) == 20
    manufacturing = next(s for s in sections if s.code == "C")
    assert len(manufacturing.divisions) == 31
    assert [d.code for d in next(s for s in sections if s.code == "I").divisions] == ["63", "64", "65"]


def test_index_in_english_shows_the_english_names_with_the_codes(client):
    response = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    for text in (
        "Pudong New Area",
        "Jiading District",
        "Manufacturing",
        "Software and Information Technology Services",
    ):
        assert text in html
    for text in ("浦东新区", "嘉定区", "制造业", "软件和信息技术服务业"):
        assert text not in html
    # the checker forms, posting with htmx
    assert 'hx-post="/reference/"' in html
    assert 'name="credit_code-code"' in html
    assert 'name="size-operating_revenue"' in html
    # no link to the officials' page for a visitor
    assert EXCEPTIONS not in html


def test_index_query_count_does_not_depend_on_the_data(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(INDEX)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_index_for_every_role_links_exceptions_only_for_officials(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(INDEX)
    assert response.status_code == 200
    assert (EXCEPTIONS in response.content.decode()) == (role in ALLOWED)


def test_htmx_credit_code_check_returns_only_the_panel(client):
    response = client.post(INDEX, {"kind": "credit_code", "credit_code-code": "91310000132149237g"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="check-credit_code"' in html
    assert "校验通过" in html
    assert "91310000132149237G" in html
    assert "工商/市场监管" in html
    assert 'value="91310000132149237g"' in html  # the user's input is kept


def test_htmx_credit_code_check_shows_the_errors(client):
    response = client.post(INDEX, {"kind": "credit_code", "credit_code-code": FAILING}, **HTMX)
    html = response.content.decode()
    assert "校验未通过" in html
    assert "第 18 位校验码与前 17 位不符" in html


def test_htmx_credit_code_warning_outside_shanghai(client):
    response = client.post(INDEX, {"kind": "credit_code", "credit_code-code": "91110108551385082Q"}, **HTMX)
    html = response.content.decode()
    assert "校验通过" in html
    assert "不在上海市" in html


def test_htmx_project_code_check(client):
    ok = client.post(INDEX, {"kind": "project_code", "project_code-code": "2026-310115-34-03-012345"}, **HTMX)
    assert "校验通过" in ok.content.decode()
    bad = client.post(INDEX, {"kind": "project_code", "project_code-code": "2026-31011-34-03-012345"}, **HTMX)
    assert "第 2 段（行政区划）“31011”应为 6 位数字。" in bad.content.decode()


def test_htmx_size_classification(client):
    response = client.post(
        INDEX, {"kind": "size", "size-employees": "1500", "size-operating_revenue": "10000"}, **HTMX
    )
    html = response.content.decode()
    assert 'data-size="medium"' in html
    assert "下划一档：中型企业" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"size-employees": "", "size-operating_revenue": "100"}, "请填写从业人员人数。"),
        ({"size-employees": "十", "size-operating_revenue": "100"}, "从业人员应为整数。"),
        ({"size-employees": "-1", "size-operating_revenue": "100"}, "从业人员不能为负数。"),
        (
            {"size-employees": "10", "size-operating_revenue": "abc"},
            "营业收入应为数字（万元，最多两位小数）。",
        ),
        ({"size-employees": "10", "size-operating_revenue": "1.234"}, "营业收入最多两位小数。"),
        ({"size-employees": "10", "size-operating_revenue": "-5"}, "营业收入不能为负数。"),
    ],
)
def test_bad_size_input_is_shown_with_the_input_kept(client, data, message):
    response = client.post(INDEX, {"kind": "size", **data}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "is-invalid" in html
    assert "data-size=" not in html
    assert f'value="{data["size-operating_revenue"]}"' in html


def test_empty_credit_code_asks_for_one(client):
    response = client.post(INDEX, {"kind": "credit_code", "credit_code-code": ""}, **HTMX)
    assert "请填写统一社会信用代码。" in response.content.decode()


def test_without_javascript_the_whole_page_comes_back_with_the_result(client):
    response = client.post(INDEX, {"kind": "credit_code", "credit_code-code": FAILING})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "浦东新区" in html
    assert "第 18 位校验码与前 17 位不符" in html


def test_an_unknown_check_kind_says_so(client):
    response = client.post(INDEX, {"kind": "nonsense"})
    assert response.status_code == 200
    assert "请选择要校验的内容。" in response.content.decode()


# --- credit-code exceptions page ------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(EXCEPTIONS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", sorted(set(Role.values) - ALLOWED))
def test_other_roles_get_the_403_page_with_the_reason(client, role_users, role):
    client.force_login(role_users[role])
    for response in (client.get(EXCEPTIONS), client.post(EXCEPTIONS, {"code": FAILING, "reason": REASON})):
        assert response.status_code == 403
        assert "管理信用代码校验例外" in response.content.decode()
    assert not CreditCodeException.objects.exists()
    refusals = AuditEvent.objects.filter(action="credit_code_exception.list", outcome=Outcome.DENIED)
    assert refusals.filter(actor_id=role_users[role].pk).count() == 2


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_officials_see_the_list_and_the_form(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(EXCEPTIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未接受任何例外。" in html
    assert 'name="reason"' in html


def test_accepting_an_exception_from_the_page(client, role_users):
    officer = role_users[Role.DISTRICT_OFFICER]
    client.force_login(officer)
    response = client.post(EXCEPTIONS, {"code": FAILING.lower(), "reason": REASON}, follow=True)
    assert response.redirect_chain == [(EXCEPTIONS, 302)]
    html = response.content.decode()
    assert f"已接受代码 {FAILING} 为校验例外。" in html
    assert FAILING in html
    assert REASON in html
    exception = CreditCodeException.objects.get()
    assert exception.accepted_by == officer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "91310000132149237G", "reason": REASON}, "通过了国家标准校验，无需作为例外接受。"),
        ({"code": FAILING, "reason": "太短"}, "请说明接受理由（至少 10 个字）"),
        ({"code": "", "reason": REASON}, "请填写统一社会信用代码。"),
        ({"code": "9131000013214923", "reason": REASON}, "不是统一社会信用代码的格式"),
    ],
)
def test_bad_input_re_renders_with_the_message_and_changes_nothing(client, role_users, data, message):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.post(EXCEPTIONS, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if data["code"]:
        assert f'value="{data["code"]}"' in html
    assert "is-invalid" in html
    assert not CreditCodeException.objects.exists()


def test_a_refused_code_shows_its_check_result(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.post(EXCEPTIONS, {"code": FAILING, "reason": "太短"})
    assert "该代码的校验结果" in response.content.decode()
    assert "第 18 位校验码与前 17 位不符" in response.content.decode()


def test_a_duplicate_from_the_page_is_refused(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_HEAD])
    client.post(EXCEPTIONS, {"code": FAILING, "reason": REASON})
    response = client.post(EXCEPTIONS, {"code": FAILING, "reason": REASON})
    assert response.status_code == 200
    assert "无需重复接受" in response.content.decode()
    assert CreditCodeException.objects.count() == 1
