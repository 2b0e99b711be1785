"""Payments by the finance officer of the paying level, idempotent, with the account encrypted;
settlement after acceptance, recovery and cancellation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.funds import crypto, ledger, services
from jigai.funds.choices import BudgetSource, ItemStatus, RecoveryStatus, ShareLevel
from jigai.funds.models import Budget, FundShare, Instalment, Payment, Recovery
from jigai.funds.tests import factories as f

pytestmark = pytest.mark.django_db
ACCOUNT = "6222021234567891234"


@pytest.fixture
def plan():
    call = f.call()
    f.approved_project(call)  # municipal 132万元 (66 + 66), district 168万元 after acceptance
    f.budgets()
    return f.approved_plan(call)


def test_the_municipal_finance_officer_pays_the_first_instalment(plan):
    instalment = f.first_instalment(plan)
    payment, created = f.pay(instalment)
    assert created and payment.amount == Decimal("660000.00")
    assert payment.bank_account_masked == "6222 **** **** 1234"
    budget = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    assert (budget.disbursed, budget.committed) == (Decimal("660000.00"), Decimal("1320000.00"))
    assert ledger.figures_from_entries(budget)["disbursed"] == budget.disbursed


def test_the_account_is_ciphertext_in_the_database_and_never_in_the_audit_trail(plan):
    payment, _created = f.pay(f.first_instalment(plan))
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account_encrypted FROM funds_payment WHERE id = %s", [payment.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("sm4gcm:") and ACCOUNT not in stored
    assert crypto.decrypt(stored) == ACCOUNT
    texts = [str(e.changes) + e.message for e in AuditEvent.objects.filter(action="funds.payment_record")]
    assert texts and all(ACCOUNT not in t for t in texts)
    assert any("6222 **** **** 1234" in t for t in texts)


def test_a_replay_returns_the_first_payment_and_different_content_is_a_conflict(plan):
    instalment = f.first_instalment(plan)
    first, created = f.pay(instalment, amount=Decimal("100000.00"), key="pay-1")
    again, created_again = f.pay(instalment, amount=Decimal("100000.00"), key="pay-1")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(services.IdempotencyConflict):
        f.pay(instalment, amount=Decimal("200000.00"), key="pay-1")
    assert Payment.objects.count() == 1


def test_paying_more_than_the_instalment_is_refused(plan):
    instalment = f.first_instalment(plan)
    with pytest.raises(ValidationError, match=r"超过第1期尚未拨付的 660,000\.00 元"):
        f.pay(instalment, amount=Decimal("660000.01"))
    f.pay(instalment, amount=Decimal("600000.00"), key="a")
    with pytest.raises(ValidationError, match=r"超过第1期尚未拨付的 60,000\.00 元"):
        f.pay(instalment, amount=Decimal("60000.01"), key="b")
    assert Payment.objects.count() == 1


def test_the_instalment_after_acceptance_is_not_yet_payable(plan):
    second = Instalment.objects.get(share__level=ShareLevel.MUNICIPAL, sequence=2)
    with pytest.raises(ValidationError, match="尚未到拨付条件"):
        f.pay(second)


def test_a_cancelled_project_is_not_paid_and_its_unpaid_commitment_is_released(plan):
    instalment = f.first_instalment(plan)
    f.pay(instalment, amount=Decimal("100000.00"), key="a")
    item = plan.items.get()
    services.fund_item_cancel(actor=f.head(), item=item, reason="企业主动放弃")
    with pytest.raises(ValidationError, match="项目已撤销"):
        f.pay(instalment, amount=Decimal("100000.00"), key="b")
    municipal = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    district = Budget.objects.get(source=BudgetSource.DISTRICT)
    assert municipal.committed == Decimal("100000.00")  # what was paid stays committed
    assert district.committed == Decimal("0.00")
    for budget in Budget.objects.all():
        assert ledger.figures_from_entries(budget)["available"] == budget.available


def test_a_district_finance_officer_pays_only_its_districts_share(plan):
    municipal = f.first_instalment(plan)
    with pytest.raises(PermissionRefused, match="只有市财政局经办人"):
        f.pay(municipal, actor=f.district_finance("310115"))
    # the district share (after acceptance): another district's officer does not even see it
    district_instalment = Instalment.objects.get(share__level=ShareLevel.DISTRICT)
    with pytest.raises(FundShare.DoesNotExist):
        f.pay(district_instalment, actor=f.district_finance("310104"))
    # the municipal finance officer does not pay the district's share
    with pytest.raises(PermissionRefused, match="只有区财政局经办人"):
        f.pay(district_instalment)
    # the right officer reaches the state check: due after acceptance
    with pytest.raises(ValidationError, match="尚未到拨付条件"):
        f.pay(district_instalment, actor=f.district_finance("310115"))


def test_settling_below_the_approved_amount_releases_and_opens_the_final_instalment(plan):
    f.pay(f.first_instalment(plan), key="a")  # 66万元 of the municipal share
    item = plan.items.get()
    # audited input 2,000万元 → 200万元 of 300万元: every share at 2/3
    services.fund_item_settle(actor=f.officer(), item=item, audited_investment=Decimal("20000000.00"))
    item.refresh_from_db()
    assert item.status == ItemStatus.SETTLED and item.final_support == Decimal("2000000.00")
    shares = {s.level: s for s in FundShare.objects.filter(item=item)}
    assert shares[ShareLevel.DISTRICT].final_amount == Decimal("1120000.00")
    assert shares[ShareLevel.MUNICIPAL].final_amount == Decimal("880000.00")
    second = Instalment.objects.get(share=shares[ShareLevel.MUNICIPAL], sequence=2)
    assert second.payable and second.amount == Decimal("220000.00")
    district = Instalment.objects.get(share=shares[ShareLevel.DISTRICT])
    assert district.payable and district.amount == Decimal("1120000.00")
    municipal = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    assert municipal.committed == Decimal("880000.00")
    payment, _ = f.pay(district, actor=f.district_finance("310115"), key="d")
    assert payment.amount == Decimal("1120000.00")
    assert not Recovery.objects.exists()


def test_settling_below_what_was_paid_creates_a_recovery_that_finance_records(plan):
    f.pay(f.first_instalment(plan), key="a")  # 66万元 paid
    item = plan.items.get()
    # audited 1,000万元 → 100万元: municipal share 44万元, 22万元 too much paid
    services.fund_item_settle(actor=f.officer(), item=item, audited_investment=Decimal("10000000.00"))
    recovery = Recovery.objects.get()
    assert recovery.amount == Decimal("220000.00") and recovery.status == RecoveryStatus.DUE
    assert not Instalment.objects.get(share__level=ShareLevel.MUNICIPAL, sequence=2).payable
    returned = timezone.localdate() - dt.timedelta(days=1)
    recorded, created = services.recovery_record(
        actor=f.finance(),
        recovery=recovery,
        returned_on=returned,
        voucher_number="缴库001",
        idempotency_key="r1",
    )
    assert created and recorded.status == RecoveryStatus.RECOVERED
    again, created_again = services.recovery_record(
        actor=f.finance(),
        recovery=recovery,
        returned_on=returned,
        voucher_number="缴库001",
        idempotency_key="r1",
    )
    assert not created_again and again.pk == recorded.pk
    municipal = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    assert (municipal.committed, municipal.disbursed, municipal.recovered) == (
        Decimal("440000.00"),
        Decimal("660000.00"),
        Decimal("220000.00"),
    )
    for budget in Budget.objects.all():
        assert ledger.figures_from_entries(budget) == {
            name: getattr(budget, name)
            for name in ("total", "committed", "disbursed", "recovered", "available")
        }


def test_settlement_never_exceeds_the_approved_amount(plan):
    item = plan.items.get()
    services.fund_item_settle(actor=f.officer(), item=item, audited_investment=Decimal("90000000.00"))
    item.refresh_from_db()
    assert item.final_support == Decimal("3000000.00")
