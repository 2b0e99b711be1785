"""Reads of reference data (public) and of credit-code exceptions (officials only).

Districts and the industry classification come from national standards and are public: every
visitor, signed in or not, may read them. Credit-code exceptions are an official record: only
the roles that may accept one (district and municipal officers and heads) see the list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from jigai.enterprises.models import CreditCodeException
from jigai.enterprises.services import can_manage_credit_code_exceptions
from jigai.reference.choices import IndustryLevel
from jigai.reference.models import District, Industry


def district_list(*, actor: Any = None) -> QuerySet[District]:
    """Shanghai's 16 districts in their official order (public)."""
    return District.objects.order_by("sort_order", "code")


def industry_list(
    *, actor: Any = None, level: str | None = None, parent: str | None = None
) -> QuerySet[Industry]:
    """Industry classification nodes (public), optionally one level or the children of one node."""
    qs = Industry.objects.order_by("code")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs


def industry_sections_with_divisions(*, actor: Any = None) -> QuerySet[Industry]:
    """The 20 sections, each with its divisions prefetched as ``divisions`` (public)."""
    divisions = Industry.objects.filter(level=IndustryLevel.DIVISION).order_by("code")
    return (
        Industry.objects.filter(level=IndustryLevel.SECTION)
        .order_by("code")
        .prefetch_related(Prefetch("children", queryset=divisions, to_attr="divisions"))
    )


def credit_code_exception_list(*, actor: Any) -> QuerySet[CreditCodeException]:
    """Accepted credit-code exceptions, newest first; empty for anyone who may not manage them."""
    if not can_manage_credit_code_exceptions(actor):
        return CreditCodeException.objects.none()
    return CreditCodeException.objects.select_related("accepted_by", "accepted_by__organisation").order_by(
        "-accepted_at", "-id"
    )
