"""Reads of the expert review that other apps' scopes use."""

from __future__ import annotations

from typing import Any

from django.db import models

from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment


def applications_of_expert_q(user: Any) -> models.Q:
    """An expert sees an application only through its own assignment, and only once it has
    declared no conflict of interest (accepted) — and after it scored (scored)."""
    assigned = Assignment.objects.filter(
        expert__user=user, status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.SCORED)
    ).values("application_id")
    return models.Q(pk__in=assigned)
