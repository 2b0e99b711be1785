"""The expert review's row of the workflow table: from expert review to comprehensive review once
every active expert has scored (issue 4). Registered by
:class:`~jigai.experts.apps.ExpertsConfig` after the district and municipal rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

import jigai.experts.checks as experts_checks
from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.workflow import Transition

MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="to_comprehensive_review",
        sources=frozenset({S.EXPERT_REVIEW}),
        target=S.COMPREHENSIVE_REVIEW,
        roles=MUNICIPAL,
        label=_("进入综合评审"),
        checks=(experts_checks.require_expert_scores,),
    ),
)
