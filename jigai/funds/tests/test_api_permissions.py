"""Every funds endpoint × every role (see jigai/core/testing/permissions.py).

Budget execution and fund plans are read by the city's business roles and, for their district's
part, by the district's roles (the matrix's district users are in 浦东新区, where the projects are).
The municipal officer and head draft; the head, then the municipal finance officer approves; the
finance officer of the paying level pays and records recoveries; an enterprise reads only its own
projects' funds and payments. A row outside the user's scope is 404."""

from __future__ import annotations

from decimal import Decimal

from jigai.accounts.choices import Role
from jigai.core.testing.permissions import Endpoint, endpoint_matrix_test
from jigai.funds import services
from jigai.funds.tests import factories as f

BASE = "/api/v1/funds"
CITY = frozenset(
    {Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD, Role.FINANCE_OFFICER, Role.NDRC_VIEWER, Role.SUPERVISOR}
)
DISTRICT = frozenset({Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.DISTRICT_FINANCE_OFFICER})
READERS = CITY | DISTRICT
OWN = READERS | {Role.ENTERPRISE}
MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD})
FINANCE = frozenset({Role.FINANCE_OFFICER})
HIDDEN_OR_REFUSED = (403, 404)
KEY = {"headers": {"Idempotency-Key": "matrix-key-1"}}


def _approved_plan():
    call = f.call()
    f.approved_project(call)
    f.budgets()
    return f.approved_plan(call)


def _budget(user):
    return {"id": f.budget("1000000.00").pk}


def _budget_body(user):
    return {"body": {"fiscal_year": 2026, "source": "municipal", "amount": "1000000.00"}}


def _draft_body(user):
    call = f.call()
    f.approved_project(call)
    return {"body": {"call_id": call.pk}}


def _draft(user):
    call = f.call()
    f.approved_project(call)
    return {"id": f.drafted(call).pk}


def _head_approved(user):
    call = f.call()
    f.approved_project(call)
    f.budgets()
    return {"id": f.head_approved(call).pk}


def _plan(user):
    return {"id": _approved_plan().pk}


def _instalment(user):
    plan = _approved_plan()
    return {
        "id": f.first_instalment(plan).pk,
        "body": {
            "amount": "1000.00",
            "paid_on": "2026-03-01",
            "voucher_number": "财拨001",
            "bank_account": "6222021234567891234",
        },
    }


def _item(user):
    return {"id": _approved_plan().items.get().pk}


def _recovery(user):
    plan = _approved_plan()
    f.pay(f.first_instalment(plan))
    services.fund_item_settle(
        actor=f.officer(), item=plan.items.get(), audited_investment=Decimal("10000000.00")
    )
    from jigai.funds.models import Recovery

    return {"id": Recovery.objects.get().pk}


def _with_payment(user):
    plan = _approved_plan()
    f.pay(f.first_instalment(plan))
    return {}


ENDPOINTS = [
    Endpoint("GET", BASE + "/budgets", allowed=READERS),
    Endpoint("POST", BASE + "/budgets", allowed=FINANCE, setup=_budget_body),
    Endpoint("GET", BASE + "/budgets/{id}", allowed=CITY, setup=_budget, denied_status=HIDDEN_OR_REFUSED),
    Endpoint(
        "POST",
        BASE + "/budgets/{id}/adjust",
        allowed=FINANCE,
        setup=_budget,
        body={"amount": "100.00", "note": "追加"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "GET", BASE + "/budgets/{id}/projects", allowed=CITY, setup=_budget, denied_status=HIDDEN_OR_REFUSED
    ),
    Endpoint("GET", BASE + "/plans", allowed=READERS),
    Endpoint("POST", BASE + "/plans", allowed=MUNICIPAL, setup=_draft_body),
    Endpoint("GET", BASE + "/plans/{id}", allowed=READERS, setup=_plan, denied_status=HIDDEN_OR_REFUSED),
    Endpoint(
        "POST",
        BASE + "/plans/{id}/head-approve",
        allowed={Role.MUNICIPAL_HEAD},
        setup=_draft,
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        BASE + "/plans/{id}/finance-approve",
        allowed=FINANCE,
        setup=_head_approved,
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        BASE + "/plans/{id}/return",
        allowed={Role.MUNICIPAL_HEAD, Role.FINANCE_OFFICER},
        setup=_head_approved,
        body={"comment": "请复核金额"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        BASE + "/plans/{id}/cancel",
        allowed=MUNICIPAL,
        setup=_draft,
        body={"comment": "重新编制"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        BASE + "/instalments/{id}/payments",
        allowed=FINANCE,
        setup=_instalment,
        denied_status=HIDDEN_OR_REFUSED,
        extra=KEY,
    ),
    Endpoint("GET", BASE + "/payments", allowed=OWN, setup=_with_payment),
    Endpoint(
        "POST",
        BASE + "/items/{id}/cancel",
        allowed={Role.MUNICIPAL_HEAD},
        setup=_item,
        body={"reason": "企业放弃"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint(
        "POST",
        BASE + "/items/{id}/settle",
        allowed=MUNICIPAL,
        setup=_item,
        body={"audited_investment": "30000000.00"},
        denied_status=HIDDEN_OR_REFUSED,
    ),
    Endpoint("GET", BASE + "/recoveries", allowed=READERS),
    Endpoint(
        "POST",
        BASE + "/recoveries/{id}/record",
        allowed=FINANCE,
        setup=_recovery,
        body={"returned_on": "2026-03-02", "voucher_number": "缴库001"},
        denied_status=HIDDEN_OR_REFUSED,
        extra=KEY,
    ),
    Endpoint("GET", BASE + "/projects", allowed=OWN),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
