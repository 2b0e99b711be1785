"""The draft's edit page: every section in one form, saved through the service with the page's
lock_version; a refused save keeps everything typed and saves nothing; live totals; who may open it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.models import Application
from jigai.applications.tests.conftest import LEAD_ID, project_code, save, valid_draft
from jigai.audit.models import AuditEvent
from jigai.calls import defaults

pytestmark = pytest.mark.django_db


def edit_url(application: Application) -> str:
    return reverse("applications:edit", kwargs={"pk": application.pk})


def page_data(application: Application, **overrides: Any) -> dict[str, Any]:
    """What the edit page posts for a complete draft (the fields of ``valid_draft``)."""
    data: dict[str, Any] = {
        "lock_version": str(application.lock_version),
        "name": "高端数控机床智能工厂技术改造项目",
        "project_code": project_code(),
        "site_district": "310115",
        "site_address": "上海市浦东新区金海路 1000 号",
        "in_planned_block": "yes",
        "start_date": "2026-01-01",
        "end_date": "2027-06-30",
        "direction": "1.1",
        "summary": "建设数控机床柔性生产线。",
        "project_lead_name": "李明",
        "project_lead_id_number": LEAD_ID,
        "own_funds": "15,000,000",
        "bank_loans": "10000000",
        "financing_lease": "",
        "other_financing": "",
        "new_output_value": "80000000",
        "new_product_output_value": "",
        "new_tax": "3000000.50",
        "energy_saved_tce": "120.5",
        "emissions_reduced_t": "",
        "jobs_created": "45",
        "line__equipment": "15000000",
        "line__construction": "3000000",
        "line__software": "5000000",
        "line__testing": "2000000",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "50",
        "funding-0-programme": "浦东新区智能制造专项",
        "funding-0-authority": "浦东新区科经委",
        "funding-0-amount": "500000",
        "funding-0-status": "applied",
    }
    for code, _name, needs in defaults.PREREQUISITES:
        data[f"prereq__{code}__done"] = "on"
        data[f"prereq__{code}__number"] = f"沪浦{code}〔2026〕12号" if needs else ""
        data[f"prereq__{code}__date"] = "2025-12-01"
    data.update(overrides)
    return data


def save_events(application: Application) -> int:
    return AuditEvent.objects.filter(action="application.save_draft", object_id=str(application.pk)).count()


def test_page_has_one_row_per_eligible_item_with_the_fixed_assets_marked(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    for code, name, fixed in defaults.INVESTMENT_ITEMS:
        assert f'data-item="{code}" data-fixed="{"true" if fixed else "false"}"' in html
        assert name in html
    for title in ("项目基本情况", "投资构成", "资金来源", "预期效益", "前期手续", "其他财政资金", "附件材料"):
        assert title in html
    assert f'name="lock_version" value="{draft.lock_version}"' in html


def test_saving_the_page_saves_every_section(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(edit_url(draft), page_data(draft))
    assert response.status_code == 302 and response["Location"] == edit_url(draft)
    draft.refresh_from_db()
    assert draft.lock_version == 1
    assert draft.name == "高端数控机床智能工厂技术改造项目"
    assert draft.total_investment == Decimal("25000000.00")
    assert draft.fixed_asset_investment == Decimal("18000000.00")
    assert draft.requested_support == Decimal("2500000.00")
    assert draft.own_funds == Decimal("15000000.00")  # "15,000,000" typed with separators
    assert draft.new_tax == Decimal("3000000.50")
    assert draft.in_planned_block is True
    assert draft.direction is not None and draft.direction.code == "1.1"
    assert all(p.done for p in draft.prerequisites.all())
    assert draft.prerequisites.get(code="filing").document_number == "沪浦filing〔2026〕12号"
    funding = draft.other_funding.get()
    assert (funding.programme, funding.amount, funding.status) == (
        "浦东新区智能制造专项",
        Decimal("500000.00"),
        "applied",
    )

    page = client.get(edit_url(draft)).content.decode()
    assert 'value="15000000"' in page and "1,500.00 万元" in page
    assert 'id="requested-yuan">2,500,000.00 元' in page


def test_a_bad_amount_keeps_everything_typed_and_saves_nothing(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    data = page_data(draft, line__equipment="abc", name="我刚输入的项目名称")
    response = client.post(edit_url(draft), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert "未保存" in html
    assert "“abc”不是数字" in html
    # the message is beside the bad field, and everything typed is still on the page
    assert 'id="id_line__equipment_error"' in html
    assert 'name="line__equipment" value="abc"' in html
    assert 'value="我刚输入的项目名称"' in html
    assert 'value="5000000"' in html and 'value="浦东新区智能制造专项"' in html
    assert "建设数控机床柔性生产线。" in html
    draft.refresh_from_db()
    assert draft.name == "" and draft.lock_version == 0
    assert not draft.investment_lines.exists()
    assert save_events(draft) == 0


def test_a_bad_date_and_an_incomplete_funding_row_are_refused_beside_their_fields(
    client, enterprise_user, draft
):
    client.force_login(enterprise_user)
    data = page_data(draft, start_date="2026-13-45", **{"funding-0-amount": ""})
    response = client.post(edit_url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写有效的日期，格式为 YYYY-MM-DD。" in html
    assert "请填写金额。" in html
    assert 'value="2026-13-45"' in html
    draft.refresh_from_db()
    assert draft.lock_version == 0 and draft.name == ""


def test_a_stale_page_is_refused_with_the_message_and_keeps_the_input(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    loaded_at = draft.lock_version
    # meanwhile the draft is saved in another window
    save(enterprise_user, draft, valid_draft(name="另一个窗口保存的名称"))

    data = page_data(draft, name="本页输入的名称")
    data["lock_version"] = str(loaded_at)
    response = client.post(edit_url(draft), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert str(services.STALE_MESSAGE) in html
    assert 'value="本页输入的名称"' in html
    # the page keeps the version it was loaded at, so saving it again is refused again
    assert f'name="lock_version" value="{loaded_at}"' in html
    draft.refresh_from_db()
    assert draft.name == "另一个窗口保存的名称" and draft.lock_version == loaded_at + 1
    assert client.post(edit_url(draft), data).status_code == 409
    draft.refresh_from_db()
    assert draft.name == "另一个窗口保存的名称"


def test_totals_partial_computes_the_share_from_the_typed_amounts_without_saving(
    client, enterprise_user, draft
):
    client.force_login(enterprise_user)
    url = reverse("applications:totals", kwargs={"pk": draft.pk})
    response = client.post(
        url,
        {"line__equipment": "15000000", "line__software": "5,000,000", "own_funds": "20000000"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span id="fixed-asset-share">75.00%</span>' in html
    assert "20,000,000.00 元" in html and "2,000.00 万元" in html
    assert 'id="typed-requested">2,000,000.00 元' in html  # 10 % of 2000 万元
    assert '<span id="wan-line__equipment" hx-swap-oob="true">1,500.00 万元</span>' in html
    assert "与总投资一致" in html

    response = client.post(url, {"line__equipment": "abc", "line__software": "1000"})
    html = response.content.decode()
    assert "设备器具购置的金额不是数字，未计入合计" in html
    assert '<span id="fixed-asset-share">0.00%</span>' in html
    draft.refresh_from_db()
    assert draft.lock_version == 0 and not draft.investment_lines.exists()


def test_share_of_exactly_the_limit_is_not_enough(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    url = reverse("applications:totals", kwargs={"pk": draft.pk})
    html = client.post(url, {"line__equipment": "12000000", "line__software": "8000000"}).content.decode()
    assert '<span id="fixed-asset-share">60.00%</span>' in html
    assert '60.00%</span>\n    <span class="text-danger">✗</span>' in html


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.MUNICIPAL_OFFICER])
def test_an_official_cannot_open_the_enterprise_edit_page(
    client, role_users, enterprise_user, open_call, submitted, role
):
    draft = services.application_create(actor=enterprise_user, call=open_call)
    client.force_login(role_users[role])
    for application in (submitted, draft):
        response = client.get(edit_url(application))
        assert response.status_code == 403
        assert "只有企业申报用户可以办理本企业的项目申报" in response.content.decode()
        response = client.post(edit_url(application), page_data(application))
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.lock_version == 0


def test_another_enterprise_application_does_not_exist(client, other_district_users, draft):
    client.force_login(other_district_users[Role.ENTERPRISE])
    for name in ("edit", "my_detail", "eligibility"):
        assert client.get(reverse(f"applications:{name}", kwargs={"pk": draft.pk})).status_code == 404
    assert client.post(edit_url(draft), page_data(draft)).status_code == 404
    assert client.post(reverse("applications:totals", kwargs={"pk": draft.pk}), {}).status_code == 404
    draft.refresh_from_db()
    assert draft.lock_version == 0


def test_a_submitted_application_opens_read_only(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    response = client.get(edit_url(submitted))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:my_detail", kwargs={"pk": submitted.pk})
    before = submitted.lock_version
    client.post(edit_url(submitted), page_data(submitted, name="改名"))
    submitted.refresh_from_db()
    assert submitted.lock_version == before and submitted.name != "改名"


def test_messages_are_the_platforms_and_the_summary_follows_the_page(client, enterprise_user, draft):
    """No stock Django wording beside the platform's; a negative amount is negative, not "not a
    number"; "1e5" is not a number; the summary lists the errors in the page's order."""
    client.force_login(enterprise_user)
    data = page_data(
        draft,
        name="名" * 201,
        line__software="1e5",
        own_funds="-15000000",
        jobs_created="-3",
        **{"prereq__filing__date": "明天"},
    )
    response = client.post(edit_url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "确保" not in html and "Ensure" not in html
    assert "“1e5”不是数字" in html
    summary = html[html.index('id="save-errors"') :]
    summary = summary[: summary.index("</ul>")]
    positions = [
        summary.index(f'href="#{field_id}"')
        for field_id in (
            "id_name",
            "id_line__software",
            "id_own_funds",
            "id_jobs_created",
            "id_prereq__filing__date",
        )
    ]
    assert positions == sorted(positions)
    assert "自有资金</a>：不能为负数。" in summary
    assert "新增就业</a>：不能为负数。" in summary
    assert "最多 200 个字符（现有 201 个）。" in summary
    draft.refresh_from_db()
    assert draft.lock_version == 0


def test_an_end_date_before_the_start_date_is_refused_beside_it(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(edit_url(draft), page_data(draft, start_date="2026-06-01", end_date="2026-05-31"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "建设完成日期 2026-05-31 早于建设开始日期 2026-06-01。" in html
    assert 'href="#id_end_date"' in html
    draft.refresh_from_db()
    assert draft.lock_version == 0 and draft.end_date is None


def test_the_service_compares_a_new_end_date_with_the_saved_start(enterprise_user, draft):
    from django.core.exceptions import ValidationError

    from jigai.applications.drafts import draft_parse

    saved = save(enterprise_user, draft, valid_draft())
    assert saved.start_date is not None
    with pytest.raises(ValidationError) as caught:
        services.application_save_draft(
            actor=enterprise_user,
            application=saved,
            data=draft_parse({"end_date": "2000-01-01"}),
            expected_lock_version=saved.lock_version,
        )
    assert "end_date" in caught.value.message_dict
