"""The registration page, the district's confirm/reject buttons, and the enterprise's own page."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from typing import Any

import pytest
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import Organisation, User
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.credit import credit_bar_record
from jigai.enterprises.models import Enterprise
from jigai.enterprises.services import enterprise_register, enterprise_reject
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data
from jigai.enterprises.throttle import PAGE_LIMIT

pytestmark = pytest.mark.django_db

REGISTER = "/enterprises/register/"


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Enterprise.objects.count(), User.objects.count()


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {**registration_data(), **account_data()}
    data["password_confirm"] = data["password"]
    data.update(overrides)
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def test_the_login_page_links_to_registration(client):
    assert 'href="/enterprises/register/"' in client.get("/accounts/login/").content.decode()


def test_the_registration_page_is_public_with_three_sections(client):
    response = client.get(REGISTER)
    assert response.status_code == 200
    page = text(response)
    for section in ("企业信息", "联系人", "登录账号"):
        assert f">{section}</legend>" in page
    assert 'name="credit_code"' in page and 'name="password_confirm"' in page
    assert '<option value="310115">浦东新区</option>' in page
    assert '<option value="34">34 通用设备制造业</option>' in page


def test_registration_through_the_page(client):
    before = counts()
    data = form_data(username="page_reg")
    response = client.post(REGISTER, data)
    assert response.status_code == 302
    assert response["Location"] == "/enterprises/register/done/"
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    enterprise = Enterprise.objects.get(credit_code=data["credit_code"])
    assert enterprise.status == EnterpriseStatus.PENDING
    assert enterprise.registered_by is not None and enterprise.registered_by.username == "page_reg"
    done = text(client.get(response["Location"]))
    assert enterprise.name in done
    assert "须经所在区（浦东新区）的区经委核对确认" in done
    assert "page_reg" in done


def test_errors_are_shown_beside_the_fields_and_every_typed_value_is_kept(client):
    existing = EnterpriseFactory.create()
    before = counts()
    data = form_data(
        credit_code=existing.credit_code,
        employees="四百",
        operating_revenue="-5",
        contact_email="chen@",
        password="Qiye#2026reg",
        password_confirm="Qiye#2026xxx",
        name="上海张江精工智造有限公司",
        address="上海市浦东新区郭守敬路 498 号",
    )
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    page = text(response)
    assert counts() == before
    assert "注册信息有误" in page
    assert "该统一社会信用代码已注册，请联系本企业管理员添加账号。" in page
    assert "从业人员应为不小于 0 的整数（人）。" in page
    assert "营业收入应为不小于 0 的金额（万元），例如 1250.50。" in page
    assert "请填写有效的电子邮箱地址。" in page
    assert "两次输入的密码不一致。" in page
    # every typed value is back in its field (the passwords are not echoed)
    for name in (
        "credit_code",
        "name",
        "address",
        "employees",
        "operating_revenue",
        "contact_email",
        "username",
    ):
        assert f'value="{data[name]}"' in page, name
    assert '<option value="310115" selected>' in page
    assert '<option value="34" selected>' in page
    assert "Qiye#2026reg" not in page
    # each message sits in the block of its field
    block = page[page.index('data-field="employees"') :]
    assert block.index("从业人员应为不小于 0 的整数") < block.index('data-field="operating_revenue"')


def test_an_invalid_code_and_a_weak_password_on_the_page(client):
    before = counts()
    code = registration_data()["credit_code"]
    page = text(
        client.post(
            REGISTER,
            form_data(credit_code=code[:10], password="abcdefgh", password_confirm="abcdefgh"),
        )
    )
    assert "统一社会信用代码应为 18 位，当前为 10 位。" in page
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。" in page
    assert counts() == before


def test_the_page_limits_attempts_per_address(client):
    for _ in range(PAGE_LIMIT):
        client.post(REGISTER, form_data(credit_code=""))
    before = counts()
    response = client.post(REGISTER, form_data())
    assert response.status_code == 429
    assert "提交过于频繁" in text(response)
    assert counts() == before


# --- the district's decision on the detail page -------------------------------------------------
@pytest.fixture
def pending() -> Enterprise:
    return enterprise_register(data=registration_data(), **account_data())


def detail(enterprise: Enterprise) -> str:
    return f"/enterprises/{enterprise.pk}/"


def test_the_district_officer_sees_the_buttons_and_confirms_with_htmx(client, pending):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    listing = text(client.get("/enterprises/", {"status": "pending"}))
    assert pending.credit_code in listing
    page = text(client.get(detail(pending)))
    assert 'id="confirm-button"' in page and 'id="reject-toggle"' in page
    assert f'hx-post="/enterprises/{pending.pk}/confirm/"' in page
    response = client.post(f"/enterprises/{pending.pk}/confirm/", headers={"HX-Request": "true"})
    fragment = text(response)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert 'id="enterprise-decision" data-status="confirmed"' in fragment
    assert "已由所在区经委确认" in fragment
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.CONFIRMED


def test_reject_asks_for_the_reason(client, pending):
    client.force_login(user_for_role(Role.DISTRICT_HEAD, district_code="310115"))
    url = f"/enterprises/{pending.pk}/reject/"
    fragment = text(client.post(url, {"reason": ""}, headers={"HX-Request": "true"}))
    assert "请填写退回原因（至少 5 个字），告诉企业需要更正什么。" in fragment
    assert 'id="reject-form"' in fragment and "collapse show" in fragment
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING
    fragment = text(client.post(url, {"reason": "联系电话无法接通，请更正"}, headers={"HX-Request": "true"}))
    assert 'data-status="rejected"' in fragment and "联系电话无法接通，请更正" in fragment
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.REJECTED


def test_without_htmx_the_buttons_redirect_back(client, pending):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    response = client.post(f"/enterprises/{pending.pk}/confirm/")
    assert response.status_code == 302 and response["Location"] == detail(pending)
    assert "已确认" in text(client.get(detail(pending)))


def test_officials_who_may_not_decide_see_disabled_buttons_with_the_reason(client, pending):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    page = text(client.get(detail(pending)))
    assert 'id="confirm-button"' not in page
    assert "disabled" in page[page.index('id="enterprise-decision"') :]
    assert "只有区经委经办人、区经委负责人可以确认企业注册信息。" in page


def test_another_district_gets_404_and_the_enterprise_itself_403(client, pending):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert client.post(f"/enterprises/{pending.pk}/confirm/").status_code == 404
    user = pending.registered_by
    assert user is not None
    client.force_login(user)
    page = text(client.get(detail(pending)))
    assert 'id="confirm-button"' not in page and 'id="reject-toggle"' not in page
    response = client.post(f"/enterprises/{pending.pk}/confirm/")
    assert response.status_code == 403
    assert "只有区经委经办人、区经委负责人可以确认企业注册信息。" in text(response)
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING


def test_the_credit_status_is_on_the_detail_page(client):
    enterprise = EnterpriseFactory.create()
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    assert 'data-under-bar="false"' in text(client.get(detail(enterprise)))
    bar = credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        enterprise=enterprise,
        reason="提供虚假申报材料",
        source_document="沪经信监〔2025〕3号",
        starts_on=timezone.localdate() - dt.timedelta(days=1),
    )
    page = text(client.get(detail(enterprise)))
    assert 'data-under-bar="true"' in page
    assert "提供虚假申报材料" in page
    assert f"至 {bar.ends_on.year}年{bar.ends_on.month}月{bar.ends_on.day}日（含）不能申报项目" in page


# --- the enterprise's own page -------------------------------------------------------------------
def test_the_navigation_shows_enterprise_information_to_enterprise_users(client, pending):
    user = pending.registered_by
    assert user is not None
    client.force_login(user)
    home = text(client.get("/"))
    assert 'href="/enterprises/me/"' in home and "企业信息" in home
    page = text(client.get("/enterprises/me/"))
    assert f'value="{pending.name}"' in page
    assert user.username in page[page.index('id="enterprise-users"') :]


def test_officials_have_no_own_enterprise_page(client):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    response = client.get("/enterprises/me/")
    assert response.status_code == 403
    assert "只有企业申报用户可以维护本企业信息。" in text(response)


def test_a_rejected_enterprise_corrects_and_resubmits_on_its_page(client, pending):
    enterprise_reject(
        actor=user_for_role(Role.DISTRICT_OFFICER), enterprise=pending, reason="法定代表人与营业执照不符"
    )
    user = pending.registered_by
    assert user is not None
    client.force_login(user)
    page = text(client.get("/enterprises/me/"))
    assert "法定代表人与营业执照不符" in page and "保存并重新提交" in page
    data = {k: v for k, v in form_data().items() if k in registration_data()}
    data.update(credit_code=pending.credit_code, name=pending.name, legal_representative="李建华")
    bad = client.post("/enterprises/me/", {**data, "employees": "-3"})
    assert bad.status_code == 200 and "从业人员应为不小于 0 的整数（人）。" in text(bad)
    assert 'value="李建华"' in text(bad)
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.REJECTED and pending.legal_representative == "王建国"

    response = client.post("/enterprises/me/", data)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING and pending.legal_representative == "李建华"
    assert "已保存并重新提交，请等待所在区经委确认。" in text(client.get("/enterprises/me/"))


def test_a_confirmed_enterprise_cannot_change_its_name_on_the_page(client):
    enterprise = EnterpriseFactory.create(contact_name="周敏", contact_phone="021-58880000")
    client.force_login(user_for_role(Role.ENTERPRISE, enterprise=enterprise))
    page = text(client.get("/enterprises/me/"))
    assert "已经区经委确认，不能修改" in page
    data = {
        "credit_code": "91310115XXXXXXXXXX",
        "name": "改名公司",
        "district": "310104",
        "address": enterprise.address,
        "industry": enterprise.industry_id,
        "employees": "360",
        "operating_revenue": str(enterprise.operating_revenue),
        "legal_representative": enterprise.legal_representative,
        "specialised_status": "national_giant",
        "contact_name": "周敏",
        "contact_phone": "021-58880000",
    }
    assert client.post("/enterprises/me/", data).status_code == 302
    enterprise.refresh_from_db()
    # the disabled identity fields keep their values whatever is posted; the rest is saved
    assert enterprise.name != "改名公司" and enterprise.district_id == "310115"
    assert enterprise.employees == 360 and enterprise.specialised_status == "national_giant"
    assert enterprise.status == EnterpriseStatus.CONFIRMED


def test_an_enterprise_user_adds_a_colleague_on_its_page(client, pending):
    user = pending.registered_by
    assert user is not None
    client.force_login(user)
    bad = client.post(
        "/enterprises/me/users/",
        {"username": "colleague_page", "display_name": "刘芳", "password": "abc", "password_confirm": "abc"},
    )
    assert bad.status_code == 200
    assert "密码长度太短，至少需要 8 个字符。" in text(bad)
    assert 'value="colleague_page"' in text(bad)
    assert not User.objects.filter(username="colleague_page").exists()
    response = client.post(
        "/enterprises/me/users/",
        {
            "username": "colleague_page",
            "display_name": "刘芳",
            "password": GOOD_PASSWORD,
            "password_confirm": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    colleague = User.objects.get(username="colleague_page")
    assert colleague.organisation_id == pending.organisation_id and colleague.role == Role.ENTERPRISE
    assert "colleague_page" in text(client.get("/enterprises/me/"))


def test_passwords_that_differ_save_nothing_even_when_all_else_is_right(client):
    before = counts()
    data = form_data(password_confirm="Qiye#2026other")
    page = text(client.post(REGISTER, data))
    assert "两次输入的密码不一致。" in page
    assert counts() == before
    assert not Enterprise.objects.filter(credit_code=data["credit_code"]).exists()


def test_the_home_page_tells_a_rejected_enterprise_why_and_where_to_correct(client, pending):
    enterprise_reject(actor=user_for_role(Role.DISTRICT_OFFICER), enterprise=pending, reason="注册地址不完整")
    user = pending.registered_by
    assert user is not None
    client.force_login(user)
    home = text(client.get("/"))
    card = home[home.index('data-todo="enterprises.own_status"') :]
    assert "未通过确认：注册地址不完整" in card
    assert 'href="/enterprises/me/"' in card
