"""The demo's expert review (jigai.demo.demo_experts), seeded by ``demo_seed`` at its end."""

from __future__ import annotations

from typing import Any

import pytest

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.demo.demo_experts import DISTRICT, SEED, SHOWCASE_EXPERTS, demo_expert_review_seed
from jigai.demo.services import demo_seed
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment, ExpertProfile, Panel
from jigai.experts.tests.experts_fixtures import officer
from jigai.experts.verify import expert_panel_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_the_demo_has_a_pool_a_panel_and_work_for_expert_demo():
    demo_seed(seed=42, enterprises=300, enterprise_users=300, applications=400, attachments=False)
    summary = demo_expert_review_seed()
    assert ExpertProfile.objects.count() == 30
    in_review = Application.objects.filter(status=ApplicationStatus.EXPERT_REVIEW)
    assert 1 <= in_review.count() <= 6
    assert set(in_review.values_list("district_id", flat=True)) == {DISTRICT}
    panel = Panel.objects.get()
    assert panel.seed == SEED
    assert summary.applications == in_review.count() and summary.showcase_assignments >= 1
    assert Assignment.objects.count() == 5 * in_review.count()
    mine = Assignment.objects.filter(expert__user__username=SHOWCASE_EXPERTS[0])
    assert mine.exists() and set(mine.values_list("status", flat=True)) == {AssignmentStatus.DRAWN}
    first = in_review.order_by("submitted_at", "pk").first()
    assert first is not None
    assert set(
        Assignment.objects.filter(application=first).values_list("expert__user__username", flat=True)
    ) == set(SHOWCASE_EXPERTS)
    assert expert_panel_verify(actor=officer(), panel=panel).reproduced
