"""The to-do counts of the district review for the home pages (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.selectors import application_scope
from jigai.core.todos import Todo
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.permissions import can_work_district_review
from jigai.recommendations.selectors import recommendation_list, workbench_counts
from jigai.recommendations.services import overdue_count


# --- to-do -----------------------------------------------------------------------------------------
def district_officer_todo(user: Any) -> Todo | None:
    """District officer: the district's applications waiting to be taken up or under review."""
    if not can_work_district_review(user):
        return None
    counts = workbench_counts(actor=user)
    count = counts["pending"] + counts["review"]
    overdue = overdue_count(actor=user) if count else 0
    return Todo(
        "review.district_pending",
        _("待区级审核的申报"),
        count,
        reverse("review:district_workbench") + ("?tab=pending" if counts["pending"] else "?tab=review"),
        _("待受理 %(p)d 件，审核中 %(r)d 件") % {"p": counts["pending"], "r": counts["review"]}
        if count
        else _("没有待审核的申报"),
        alert=_("%(n)d 件逾期") % {"n": overdue} if overdue else "",
    )


def district_head_todo(user: Any) -> Todo | None:
    """District head: prepared documents of the district waiting for its signature."""
    if not can_work_district_review(user):
        return None
    count = recommendation_list(actor=user, status=RecommendationStatus.PREPARED).count()
    return Todo(
        "review.recommendations_to_sign",
        _("待签发的推荐文件"),
        count,
        reverse("review:recommendation_list") + "?status=prepared",
        _("请审核推荐排序后以推荐文号签发") if count else _("没有待签发的推荐文件"),
    )


def enterprise_returned_todo(user: Any) -> Todo | None:
    """Enterprise: its applications returned for correction."""
    if getattr(user, "role", None) != Role.ENTERPRISE:
        return None
    count = application_scope(user).filter(status=S.RETURNED).count()
    if not count:
        return None
    return Todo(
        "review.returned",
        _("退回修改的申报"),
        count,
        reverse("review:my_returns"),
        _("请按退回意见逐项修改后重新提交"),
    )
