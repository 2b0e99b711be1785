"""Submitting from the edit page, the eligibility panel, the read-only page and withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus
from jigai.applications.eligibility import eligibility_check
from jigai.applications.models import Application
from jigai.applications.tests.conftest import eligible_application_for, make_enterprise
from jigai.core.testing.factories import user_for_role

pytestmark = pytest.mark.django_db


def url(name: str, application: Application) -> str:
    return reverse(f"applications:{name}", kwargs={"pk": application.pk})


def test_the_panel_lists_each_rule_and_disables_submit_with_the_reason(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    html = client.get(url("edit", draft)).content.decode()
    results = eligibility_check(draft)
    failed = [r for r in results if not r.passed]
    assert failed
    for r in results:
        assert f'data-rule="{r.code}" data-passed="{"true" if r.passed else "false"}"' in html
        assert escape(r.message) in html
    assert 'id="submit-button" disabled' in html
    assert f"还有 {len(failed)} 项条件不满足" in html
    assert 'formaction="' + url("submit", draft) + '"' not in html


def test_a_refused_submit_shows_each_failing_rule_and_changes_nothing(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    failed = [r for r in eligibility_check(draft) if not r.passed]
    response = client.post(url("submit", draft), {"lock_version": draft.lock_version})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="submit-errors"' in html
    assert "未能提交，申报未作任何改动。" in html
    for r in failed:
        assert escape(f"{r.label}：{r.message}") in html
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.reference_number is None and draft.submitted_at is None
    assert list(draft.transitions.values_list("action", flat=True)) == ["create"]


def test_an_eligible_draft_is_submitted_and_shows_its_reference_number(
    client, enterprise_user, eligible_draft
):
    client.force_login(enterprise_user)
    html = client.get(url("edit", eligible_draft)).content.decode()
    assert 'data-passed="false"' not in html
    assert 'id="requested-yuan">2,500,000.00 元' in html and "250.00 万元" in html
    # the button hands in the draft form itself: what is typed is saved first
    assert 'form="draft-form" formaction="' + url("submit", eligible_draft) + '"' in html
    assert "data-confirm=" in html and 'name="draft_form" value="1"' in html

    response = client.post(url("submit", eligible_draft), {"lock_version": eligible_draft.lock_version})
    assert response.status_code == 302 and response["Location"] == url("my_detail", eligible_draft)
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert f'id="reference-number">{eligible_draft.reference_number}<' in page
    assert "已提交" in page
    assert eligible_draft.reference_number in page


def test_a_duplicate_project_code_is_refused_with_its_message(
    client, enterprise_user, open_call, eligible_draft
):
    other_user = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310104"))
    other = eligible_application_for(other_user, open_call, project_code=eligible_draft.project_code)
    services.application_submit(actor=other_user, application=other)

    client.force_login(enterprise_user)
    response = client.post(url("submit", eligible_draft), {"lock_version": eligible_draft.lock_version})
    assert response.status_code == 422
    assert "已被另一份申报使用，同一项目不能重复申报" in response.content.decode()
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.DRAFT and eligible_draft.reference_number is None


def test_submitting_a_page_older_than_the_saved_draft_is_refused(client, enterprise_user, eligible_draft):
    client.force_login(enterprise_user)
    response = client.post(url("submit", eligible_draft), {"lock_version": eligible_draft.lock_version - 1})
    assert response.status_code == 409
    assert str(services.STALE_MESSAGE) in response.content.decode()
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.DRAFT


def test_submit_saves_the_typed_figures_first(client, enterprise_user, eligible_draft):
    """An enterprise changes a figure, does not press 保存草稿 and presses 提交申报: the
    application goes in with the figure on the form."""
    from jigai.applications.tests.test_pages_edit import page_data, save_events

    client.force_login(enterprise_user)
    data = page_data(
        eligible_draft,
        draft_form="1",
        project_code=eligible_draft.project_code,
        start_date=eligible_draft.start_date.isoformat(),
        end_date=eligible_draft.end_date.isoformat(),
        line__equipment="16000000",
        own_funds="16000000",
    )
    response = client.post(url("submit", eligible_draft), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.SUBMITTED
    assert eligible_draft.investment_lines.get(item_code="equipment").amount == Decimal("16000000.00")
    assert eligible_draft.total_investment == Decimal("26000000.00")
    assert eligible_draft.requested_support == Decimal("2600000.00")
    assert save_events(eligible_draft) == 2  # the fixture's save and the one before submitting


def test_submit_with_a_bad_figure_submits_nothing_and_keeps_what_was_typed(
    client, enterprise_user, eligible_draft
):
    from jigai.applications.tests.test_pages_edit import page_data, save_events

    client.force_login(enterprise_user)
    data = page_data(eligible_draft, draft_form="1", own_funds="-5", name="刚改的名称")
    response = client.post(url("submit", eligible_draft), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="save-errors"' in html and "不能为负数" in html
    assert 'name="own_funds" value="-5"' in html and 'value="刚改的名称"' in html
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.DRAFT and eligible_draft.reference_number is None
    assert eligible_draft.name != "刚改的名称"
    assert save_events(eligible_draft) == 1


def test_submit_from_a_stale_page_saves_nothing_and_submits_nothing(client, enterprise_user, eligible_draft):
    from jigai.applications.tests.test_pages_edit import page_data

    client.force_login(enterprise_user)
    data = page_data(eligible_draft, draft_form="1", lock_version=str(eligible_draft.lock_version - 1))
    response = client.post(url("submit", eligible_draft), data)
    assert response.status_code == 409
    assert 'id="stale-alert"' in response.content.decode()
    eligible_draft.refresh_from_db()
    assert eligible_draft.status == ApplicationStatus.DRAFT


def test_a_saved_but_ineligible_submission_says_the_edits_were_saved(client, enterprise_user, draft):
    from jigai.applications.tests.test_pages_edit import page_data

    client.force_login(enterprise_user)
    response = client.post(url("submit", draft), page_data(draft, draft_form="1"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "本页的修改已保存，但未能提交。" in html
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.name == "高端数控机床智能工厂技术改造项目"


def test_eligibility_partial_for_htmx(client, enterprise_user, eligible_draft):
    client.force_login(enterprise_user)
    response = client.get(url("eligibility", eligible_draft), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="eligibility"')
    assert 'hx-trigger="applicationChanged from:body"' in html
    assert "全部符合" in html


def test_read_only_page_shows_every_section_and_the_history(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    html = client.get(url("my_detail", submitted)).content.decode()
    for title in ("项目基本情况", "投资构成", "资金来源", "预期效益", "前期手续", "其他财政资金", "附件材料"):
        assert title in html
    assert "办理记录" in html and 'data-action="create"' in html and 'data-action="submit"' in html
    assert str(enterprise_user) in html
    assert "25,000,000.00 元" in html
    # the files can be downloaded, not deleted
    attachment = submitted.attachments.first()
    assert (
        reverse(
            "applications:my_attachment_download", kwargs={"pk": submitted.pk, "attachment_pk": attachment.pk}
        )
        in html
    )
    assert "attachment_delete" not in html and "/delete/" not in html
    assert 'id="withdraw-button"' in html


def test_withdraw_needs_a_reason_and_is_recorded(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    response = client.post(url("withdraw", submitted), {"reason": "  "})
    assert response.status_code == 422
    assert "请填写撤回原因。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED

    response = client.post(url("withdraw", submitted), {"reason": "项目建设方案调整，下批次再申报"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN
    html = client.get(url("my_detail", submitted)).content.decode()
    assert "已撤回" in html and "项目建设方案调整，下批次再申报" in html
    assert 'id="withdraw-button"' not in html


def test_an_official_cannot_use_the_enterprise_pages(client, role_users, submitted):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    for name in ("my_detail", "edit"):
        assert client.get(url(name, submitted)).status_code == 403
    assert client.post(url("withdraw", submitted), {"reason": "试图撤回"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_a_returned_application_shows_what_to_correct_and_is_resubmitted(
    client, enterprise_user, role_users, submitted
):
    from jigai.recommendations.services import district_return, district_start

    officer = role_users[Role.DISTRICT_OFFICER]
    district_start(actor=officer, application=submitted)
    submitted.refresh_from_db()
    district_return(
        actor=officer,
        application=submitted,
        items=[{"section": "investment", "reason": "设备清单与合同金额不一致"}],
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.RETURNED

    client.force_login(enterprise_user)
    html = client.get(url("edit", submitted)).content.decode()
    assert "设备清单与合同金额不一致" in html and "投资明细" in html
    assert "修改后重新提交" in html and 'formaction="' + url("submit", submitted) + '"' in html

    response = client.post(url("submit", submitted), {"lock_version": submitted.lock_version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.RESUBMITTED
