"""The funds demo (``setup_demo``): approved projects with an issued fund plan, paid first
instalments, one recovery recorded, and budgets whose entries sum to their figures."""

from __future__ import annotations

from typing import Any

import pytest

from jigai.demo.demo_experts import demo_expert_review_seed
from jigai.demo.demo_funds import demo_funds_seed
from jigai.demo.demo_publicity import demo_publicity_seed
from jigai.demo.services import demo_seed
from jigai.funds import ledger
from jigai.funds.choices import FundPlanStatus, RecoveryStatus
from jigai.funds.models import Budget, FundPlan, Payment, Recovery

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_payments_and_a_recovery(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    demo_seed(seed=7, enterprises=12, enterprise_users=12, applications=60)
    demo_expert_review_seed()
    demo_publicity_seed()
    summary = demo_funds_seed()
    assert summary is not None and summary.projects > 0
    plan = FundPlan.objects.get(pk=summary.plan_id)
    assert plan.status == FundPlanStatus.APPROVED
    assert Payment.objects.count() == summary.payments > 0
    assert summary.recovery_id is not None
    recovery = Recovery.objects.get(pk=summary.recovery_id)
    assert recovery.status == RecoveryStatus.RECOVERED
    for budget in Budget.objects.all():
        assert ledger.figures_from_entries(budget) == {
            name: getattr(budget, name)
            for name in ("total", "committed", "disbursed", "recovered", "available")
        }
    assert demo_funds_seed() is None  # once only
