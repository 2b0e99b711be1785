"""The funds API end to end: draft, two approvals, a payment with its idempotency key, the
enterprise's view; structured errors for the short budget and the reused key."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from jigai.funds import workflow
from jigai.funds.models import Payment
from jigai.funds.tests import factories as f

pytestmark = pytest.mark.django_db
PAYMENT = {
    "amount": "660000.00",
    "paid_on": "2026-03-01",
    "voucher_number": "财拨001",
    "bank_account": "6222 0212 3456 7891 234",
}


def test_draft_approve_pay_and_the_enterprise_sees_it(client):
    call = f.call()
    project = f.approved_project(call)
    f.budgets()
    client.force_login(f.officer())
    plan = client.post("/api/v1/funds/plans", {"call_id": call.pk}, content_type="application/json")
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    client.force_login(f.head())
    assert client.post(f"/api/v1/funds/plans/{plan_id}/head-approve").json()["status"] == "head_approved"
    client.force_login(f.finance())
    body = client.post(f"/api/v1/funds/plans/{plan_id}/finance-approve").json()
    assert body["status"] == "approved"
    municipal = next(s for s in body["items"][0]["shares"] if s["level"] == "municipal")
    instalment = municipal["instalments"][0]["id"]
    url = f"/api/v1/funds/instalments/{instalment}/payments"

    missing = client.post(url, PAYMENT, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["code"] == "validation_error"
    first = client.post(url, PAYMENT, content_type="application/json", headers={"Idempotency-Key": "p-1"})
    assert first.status_code == 201, first.content
    assert first.json()["bank_account"] == "6222 **** **** 1234"
    replay = client.post(url, PAYMENT, content_type="application/json", headers={"Idempotency-Key": "p-1"})
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    other = {**PAYMENT, "amount": "1.00"}
    conflict = client.post(url, other, content_type="application/json", headers={"Idempotency-Key": "p-1"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
    assert Payment.objects.count() == 1

    client.force_login(f.user_for_role_of(project))
    projects = client.get("/api/v1/funds/projects").json()["items"]
    assert [p["application_id"] for p in projects] == [project.pk]
    assert projects[0]["approved_support"] == "3000000.00"
    assert projects[0]["payments"][0]["bank_account"] == "6222 **** **** 1234"
    assert "6222021234567891234" not in client.get("/api/v1/funds/payments").content.decode()


def test_a_short_budget_is_a_structured_error(client):
    call = f.call()
    f.approved_project(call)
    f.budget("1000000.00")
    f.budget("100000000.00", source="district")
    plan = f.head_approved(call)
    client.force_login(f.finance())
    response = client.post(f"/api/v1/funds/plans/{plan.pk}/finance-approve")
    assert response.status_code == 422
    assert "预算不足" in response.json()["message"] and "缺口 320,000.00 元" in response.json()["message"]


def test_the_workflow_document_lists_every_fund_plan_action():
    text = (Path(settings.BASE_DIR) / "docs" / "workflows.md").read_text()
    for transition in workflow.TRANSITIONS:
        assert f"| `{transition.action}` |" in text
