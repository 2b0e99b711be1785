"""The call pages: what the public and an enterprise read, and the commission's editing pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from unittest import mock

import pytest

from jigai.accounts.choices import Role
from jigai.calls import defaults
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call, CallRules
from jigai.core.testing.factories import (
    closed_call,
    draft_call,
    municipal_user,
    open_call,
    published_catalog,
    user_for_role,
)

pytestmark = pytest.mark.django_db
SH = defaults.SHANGHAI


def test_the_list_is_public_and_hides_drafts(client):
    open_call(title="开放中的通知")
    closed_call()
    draft_call(title="尚未发布的通知")
    html = client.get("/calls/").content.decode()
    assert "开放中的通知" in html and defaults.CALL_2026_TITLE in html
    assert "尚未发布的通知" not in html
    assert "申报中" in html and "已截止" in html
    only_open = client.get("/calls/?phase=open").content.decode()
    assert "开放中的通知" in only_open and defaults.CALL_2026_TITLE not in only_open


def test_the_detail_reads_the_rules_in_plain_chinese(client):
    call = closed_call()
    response = client.get(f"/calls/{call.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "已截止",
        "已于 2026-02-04 16:00 截止申报",
        "2026-01-20 00:00",
        "2026-02-04 16:00",
        "2026-02-06",
        "不低于 2,000.00 万元",
        "固定资产投资占项目总投入的比例须高于60%",
        "不超过核定总投入的 10%",
        "10,000.00 万元",
        "建筑工程、安装工程、设备器具购置、其他费用",
        "项目可行性研究报告",
        "PDF，单个文件不超过 50 MB",
        "第 1 期：立项后拨付 50%",
        "第 2 期：验收后（按验收结果）拨付 50%",
        "智能工厂和数字化车间建设",
        "黄浦区",
        "崇明区",
        "申报行业范围",
        "B 采矿业、C 制造业、D 电力、热力、燃气及水生产和供应业、63 电信、广播电视和卫星传输服务",
        "65 软件和信息技术服务业",
    ]:
        assert text in html, text


def test_the_detail_in_english_names_districts_and_industries_in_english(client):
    call = closed_call()
    html = client.get(f"/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in [
        "Huangpu District",
        "Pudong New Area",
        "C Manufacturing",
        "65 Software and Information Technology Services",
    ]:
        assert text in html, text
    for text in ["黄浦区", "浦东新区", "C 制造业", "软件和信息技术服务业"]:
        assert text not in html, text


def test_the_badge_and_countdown_follow_the_server_clock(client):
    call = closed_call()
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 2, 4, 15, 59, 59, tzinfo=SH)):
        html = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-phase="open"' in html and "申报中" in html
    assert "距申报截止还有 不到 1 分钟" in html
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 2, 4, 16, 0, 0, tzinfo=SH)):
        html = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-phase="closed"' in html
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 1, 18, 12, 0, tzinfo=SH)):
        html = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-phase="upcoming"' in html and "距申报开始还有 1 天 12 小时" in html


def test_an_enterprise_sees_its_districts_share(client):
    call = closed_call()
    client.force_login(user_for_role(Role.ENTERPRISE, district_code="310104"))
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert "jg-my-share" in html
    expected = (
        "按核定固定资产投资的 8% 给予区级支持，建筑工程计入比例不超过 30%，最高 500.00 万元，验收后拨付"
    )
    assert f"<strong>徐汇区</strong>：{expected}" in html


def test_a_draft_is_not_found_outside_the_commission(client):
    call = draft_call()
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    client.force_login(municipal_user())
    assert client.get(f"/calls/{call.pk}/").status_code == 200


def test_the_officer_creates_a_call_and_lands_on_its_rules(client):
    catalog = published_catalog()
    client.force_login(municipal_user())
    response = client.post(
        "/calls/new/",
        {
            "catalog_version": catalog.pk,
            "title": "2027年度申报通知",
            "year": 2027,
            "opens_at": "2027-01-20T00:00",
            "closes_at": "2027-02-04T16:00",
            "district_forward_date": "2027-02-06",
            "budget": "50000",
        },
    )
    call = Call.objects.get(title="2027年度申报通知")
    assert response.status_code == 302 and response["Location"] == f"/calls/{call.pk}/rules/"
    assert call.closes_at == datetime(2027, 2, 4, 16, 0, tzinfo=SH)
    assert call.budget == Decimal("500000000.00")
    assert call.rules.district_shares.count() == 16


def test_a_bad_window_re_renders_with_the_input_and_the_message(client):
    catalog = published_catalog()
    client.force_login(municipal_user())
    response = client.post(
        "/calls/new/",
        {
            "catalog_version": catalog.pk,
            "title": "窗口错误的通知",
            "year": 2027,
            "opens_at": "2027-02-04T16:00",
            "closes_at": "2027-01-20T00:00",
            "district_forward_date": "2027-02-06",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "申报截止时间须晚于申报开始时间。" in html
    assert 'value="窗口错误的通知"' in html
    assert not Call.objects.exists()


def _rules_post(client, url):
    """The rules page's own form data (as the browser would send it back unchanged)."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    for prefix, formset in page.context["formsets"].items():
        data[f"{prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for i, initial in enumerate(formset.initial):
            for name, value in initial.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{name}"] = "on"
                elif value is not None:
                    data[f"{prefix}-{i}-{name}"] = value
    return data


def test_the_rules_formsets_save_changes(client):
    call = draft_call()
    client.force_login(municipal_user())
    data = _rules_post(client, f"/calls/{call.pk}/rules/")
    data["support_rate"] = "8"
    data["min_total_investment"] = "1500"
    data["instalments-0-percent"] = "40"
    data["instalments-1-percent"] = "60"
    data["attachments-1-DELETE"] = "on"
    response = client.post(f"/calls/{call.pk}/rules/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rules = CallRules.objects.get(pk=call.rules.pk)
    assert rules.support_rate == Decimal("0.0800")
    assert rules.min_total_investment == Decimal("15000000.00")
    assert [i.percent for i in rules.instalments.all()] == [Decimal("0.4000"), Decimal("0.6000")]
    assert not rules.attachment_requirements.filter(code="feasibility").exists()
    assert rules.district_shares.count() == 16


def test_the_industries_rule_is_edited_on_the_page(client):
    call = draft_call()
    client.force_login(municipal_user())
    data = _rules_post(client, f"/calls/{call.pk}/rules/")
    assert data["industries"] == "B C D 63 64 65 73 74 75"
    data["industries"] = "c, 65，99"
    response = client.post(f"/calls/{call.pk}/rules/", data)
    assert response.status_code == 422
    assert "行业代码 99 不在国民经济行业分类（GB/T 4754-2017）中。" in response.content.decode()
    data["industries"] = "c 65 c"
    response = client.post(f"/calls/{call.pk}/rules/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rules = CallRules.objects.get(pk=call.rules.pk)
    assert [a.industry_id for a in rules.allowed_industries.all()] == ["C", "65"]
    data["industries"] = ""
    assert client.post(f"/calls/{call.pk}/rules/", data).status_code == 302
    assert not rules.allowed_industries.exists()


def test_a_bad_rules_value_keeps_the_input(client):
    call = draft_call()
    client.force_login(municipal_user())
    data = _rules_post(client, f"/calls/{call.pk}/rules/")
    data["support_rate"] = "120"
    response = client.post(f"/calls/{call.pk}/rules/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "支持比例须在 0 到 1（0% 到 100%）之间。" in html
    assert 'value="120"' in html


def test_the_publish_button_is_disabled_with_the_reason(client):
    call = draft_call()
    client.force_login(municipal_user())
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert "暂不能发布：只有市经信委负责人可以发布申报通知。" in html
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    response = client.post(f"/calls/{call.pk}/publish/")
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


def test_the_head_revises_published_rules_from_the_page(client):
    call = open_call()
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    data = _rules_post(client, f"/calls/{call.pk}/rules/revise/")
    data["cap_per_project"] = "8000"
    response = client.post(f"/calls/{call.pk}/rules/revise/", data)
    assert response.status_code == 422
    assert "请说明本次规则变更的内容和原因。" in response.content.decode()
    data["note"] = "上限调整为 8000 万元"
    response = client.post(f"/calls/{call.pk}/rules/revise/", data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.rules.version == 2
    assert call.rules.cap_per_project == Decimal("80000000.00")
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert "第 2 版规则" in html and "上限调整为 8000 万元" in html


def test_the_officer_cannot_edit_a_published_call(client):
    call = open_call()
    client.force_login(municipal_user())
    response = client.get(f"/calls/{call.pk}/edit/")
    assert response.status_code == 403
    assert "申报通知已发布，不能直接修改" in response.content.decode()


def test_the_heads_home_page_counts_call_drafts(client):
    draft_call()
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    response = client.get("/")
    assert response.status_code == 200
    todos = {t.key: t.count for t in response.context["todos"]}
    assert todos["call_drafts"] == 1
    assert "catalog_drafts" not in todos  # the catalog is published


def test_the_rules_page_shows_amounts_in_wan_and_rates_in_per_cent(client):
    call = draft_call()
    client.force_login(municipal_user())
    html = client.get(f"/calls/{call.pk}/rules/").content.decode()
    for field, value in [
        ("min_total_investment", "2000"),
        ("cap_per_project", "10000"),
        ("min_fixed_asset_share", "60"),
        ("support_rate", "10"),
        ("district_shares-0-cap", "500"),
        ("district_shares-0-rate", "8"),
    ]:
        assert f'name="{field}" value="{value}"' in html, field


def test_amounts_on_the_rules_page_are_read_as_the_platform_reads_numbers(client):
    """A negative amount is negative (not "not a number"), "1e5" is not a number, no stock wording."""
    call = draft_call()
    client.force_login(municipal_user())
    data = _rules_post(client, f"/calls/{call.pk}/rules/")
    data["min_total_investment"] = "-5"
    data["cap_per_project"] = "1e5"
    response = client.post(f"/calls/{call.pk}/rules/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "不能为负数。" in html
    assert "“1e5”不是数字" in html
    assert "确保" not in html
    assert CallRules.objects.get(pk=call.rules.pk).min_total_investment != Decimal("-50000")


def test_the_detail_breadcrumb_names_the_call_not_a_bare_year(client):
    call = closed_call()
    html = client.get(f"/calls/{call.pk}/").content.decode()
    crumb = html[html.index('class="breadcrumb-item active"') :].split("</li>")[0]
    assert f"{call.year} 年度申报通知" in crumb
