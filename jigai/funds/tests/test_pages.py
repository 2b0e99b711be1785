"""The funds pages: budget execution with its chart data and export, the plan with its approval
buttons (disabled with the reason), the payment form with its hidden idempotency key, the PDF, and
the enterprise's view of its project's funds."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jigai.funds.models import Payment
from jigai.funds.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    call = f.call()
    project = f.approved_project(call)
    f.budgets()
    plan = f.approved_plan(call)
    plan.project = project  # type: ignore[attr-defined]
    return plan


def test_budget_execution_page_with_chart_data_and_no_inline_script(client, plan):
    client.force_login(f.finance())
    html = client.get("/funds/").content.decode()
    assert 'id="budget-chart-data"' in html and "funds/budget_chart.js" in html
    assert not re.search(r"<script>(?!\s*</script>)", html)  # data only through json_script
    assert "2026年度市级技术改造专项资金" in html and "1,320,000.00" in html


def test_a_district_sees_only_its_budget(client, plan):
    client.force_login(f.district_finance("310115"))
    html = client.get("/funds/").content.decode()
    assert "2026年度浦东新区技术改造资金" in html and "2026年度市级技术改造专项资金" not in html


def test_budget_export_is_a_workbook_without_formulas(client, plan):
    client.force_login(f.finance())
    response = client.get("/funds/budgets/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "预算年度" and len(rows) == 4


def test_budget_drill_down_lists_the_projects(client, plan):
    client.force_login(f.head())
    from jigai.funds.models import Budget

    budget = Budget.objects.get(source="municipal")
    html = client.get(f"/funds/budgets/{budget.pk}/").content.decode()
    assert plan.project.name in html


def test_the_drafter_sees_the_approval_disabled_with_the_reason(client):
    call = f.call()
    f.approved_project(call)
    from jigai.funds import services

    plan = services.fund_plan_draft(actor=f.head(), call=call)
    client.force_login(f.head())
    html = client.get(f"/funds/plans/{plan.pk}/").content.decode()
    assert 'disabled data-action="head_approve"' in html and "不能由本人审核" in html
    assert client.post(f"/funds/plans/{plan.pk}/head_approve/").status_code == 403


def test_draft_and_two_approvals_through_the_pages(client):
    call = f.call()
    f.approved_project(call)
    f.budgets()
    client.force_login(f.officer())
    response = client.post("/funds/plans/", {"call": call.pk, "title": "2026年度第一批资金计划"})
    assert response.status_code == 302
    plan_url = response["Location"]
    client.force_login(f.head())
    client.post(plan_url + "head_approve/")
    client.force_login(f.finance())
    client.post(plan_url + "finance_approve/")
    assert 'data-plan-status="approved"' in client.get(plan_url).content.decode()


def test_the_payment_form_pays_once_per_key(client, plan):
    instalment = f.first_instalment(plan)
    client.force_login(f.finance())
    form = client.get(f"/funds/instalments/{instalment.pk}/pay/").content.decode()
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form)
    assert found, "the form carries a hidden idempotency key"
    key = found.group(1)
    # a date input takes ISO dates whatever the language (zh-hans would format 2026/03/01)
    assert re.search(r'type="date" name="paid_on" value="\d{4}-\d{2}-\d{2}"', form), form
    data = {
        "amount": "660000.00",
        "paid_on": "2026-03-01",
        "voucher_number": "财拨001",
        "bank_account": "6222021234567891234",
        "idempotency_key": key,
    }
    assert client.post(f"/funds/instalments/{instalment.pk}/pay/", data).status_code == 302
    assert client.post(f"/funds/instalments/{instalment.pk}/pay/", data).status_code == 302  # replay
    assert Payment.objects.count() == 1
    too_much = {**data, "amount": "1.00", "idempotency_key": "other"}
    response = client.post(f"/funds/instalments/{instalment.pk}/pay/", too_much)
    assert response.status_code == 422 and "超过第1期尚未拨付" in response.content.decode()
    # a district finance officer cannot open the municipal share's form
    client.force_login(f.district_finance("310115"))
    assert client.get(f"/funds/instalments/{instalment.pk}/pay/").status_code == 403


def test_the_enterprise_sees_its_approved_amount_instalments_and_payments(client, plan):
    f.pay(f.first_instalment(plan))
    client.force_login(f.user_for_role_of(plan.project))
    html = client.get("/funds/projects/").content.decode()
    assert "3,000,000.00 元" in html and "660,000.00" in html and "6222 **** **** 1234" in html
    assert "6222021234567891234" not in html


def test_plan_pdf_and_excel(client, plan):
    client.force_login(f.finance())
    pdf = client.get(f"/funds/plans/{plan.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"/FontFile2" in pdf.content
    xlsx = client.get(f"/funds/plans/{plan.pk}/export/")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == Decimal("3000000.00") or rows[1][4] == 3000000


def test_a_call_with_one_planned_and_one_unplanned_project_can_still_be_drafted(client, plan):
    f.approved_project(plan.call)
    client.force_login(f.officer())
    html = client.get("/funds/plans/").content.decode()
    assert f'<option value="{plan.call.pk}">' in html
