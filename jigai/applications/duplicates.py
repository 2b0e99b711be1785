"""Duplicate detection at submission (issue: "the same investment project code, or the same
enterprise with a very similar project name, in another application of any call; a project that
was funded before. A hard duplicate is refused; a near one is flagged for the reviewers").

* Hard, refused (:func:`refuse_hard_duplicates`, a check of the ``submit`` transition):
  - a project funded before (rules.md §3 "a project that already received municipal special funds
    cannot apply again"): an approved application with the same investment project code, or of the
    same enterprise with a very similar name;
  - the same investment project code in another application of any call that is under way or
    approved. Drafts are not applications yet and withdrawn ones are gone; an application that was
    not recommended or not approved received no funds and is over, so the same project may apply
    again in a later call (the funded-before rule is about projects that received funds).
* Near, flagged (:func:`flag_near_duplicates`, an effect of ``submit``): the same enterprise with a
  very similar project name in another application. The submission goes through; the reviewers
  see the :class:`DuplicateFlag` and ``has_duplicate_flags``.

"Very similar": both names normalised (NFKC, lower case, no spaces, punctuation or symbols, and
without the words every such name contains — 技术改造, 项目, 建设…), then
``difflib.SequenceMatcher`` ratio ≥ 0.85.

Messages never name another enterprise's project: an enterprise that types someone else's project
code learns only that the code is taken.
"""

from __future__ import annotations

import difflib
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus, DuplicateKind
from jigai.applications.models import Application, DuplicateFlag

SIMILARITY_THRESHOLD = 0.85
# Longest first, so that 技术改造 goes before 改造 can split it.
COMMON_WORDS = ("技术改造", "技改", "改造", "项目", "建设", "工程")
NOT_APPLICATIONS = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
# Applications that hold no claim on their project code: not applications, or refused for good.
CODE_RELEASED = (*NOT_APPLICATIONS, ApplicationStatus.NOT_RECOMMENDED, ApplicationStatus.NOT_APPROVED)
_PROJECT_CODE_LOCK = 0x4A474443  # "JGDC": namespace of the advisory locks on project codes


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "PSZC")
    for word in COMMON_WORDS:
        text = text.replace(word, "")
    return text


def name_similarity(a: str, b: str) -> float:
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    return difflib.SequenceMatcher(None, na, nb).ratio()


@dataclass(frozen=True)
class SimilarName:
    other: Application
    similarity: float


def similar_names(application: Application, candidates: Any) -> list[SimilarName]:
    """Applications among ``candidates`` whose name is very similar to this one's, most similar first."""
    found = []
    for other in candidates:
        ratio = name_similarity(application.name, other.name)
        if ratio >= SIMILARITY_THRESHOLD:
            found.append(SimilarName(other, ratio))
    return sorted(found, key=lambda s: -s.similarity)


def _lock_project_code(code: str) -> None:
    # Two enterprises submitting the same code at the same moment must not both pass the check.
    # SQLite serialises write transactions already (BEGIN IMMEDIATE, see settings).
    if connection.vendor == "postgresql":
        key = zlib.crc32(code.encode()) - 2**31  # PostgreSQL's int4 is signed
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PROJECT_CODE_LOCK, key])


def _describe_own(other: Application) -> str:
    return _("本企业的“%(name)s”（%(call)s，编号 %(ref)s，%(status)s）") % {
        "name": other.name,
        "call": other.call.title,
        "ref": other.reference_number or "—",
        "status": other.get_status_display(),
    }


def _percent(ratio: float) -> str:
    return f"{Decimal(ratio * 100).quantize(Decimal('1'), rounding=ROUND_DOWN)}%"


def refuse_hard_duplicates(application: Application, ctx: Any) -> None:
    """Check of the ``submit`` transition: refuses a project funded before or a project code in use."""
    others = Application.objects.exclude(pk=application.pk).select_related("call")
    code = application.project_code
    errors: dict[str, str] = {}
    if code:
        _lock_project_code(code)
        same_code = others.filter(project_code=code).exclude(status__in=CODE_RELEASED)
        funded = same_code.filter(status=ApplicationStatus.APPROVED).first()
        taken = funded or same_code.order_by("submitted_at", "id").first()
        if taken is not None and taken.enterprise_id == application.enterprise_id:
            if funded is not None:
                errors["project_code"] = _(
                    "投资项目代码 %(code)s 的项目已获得市级专项资金支持（%(other)s），"
                    "已获支持的项目不能再次申报。"
                ) % {"code": code, "other": _describe_own(taken)}
            else:
                errors["project_code"] = _(
                    "投资项目代码 %(code)s 已用于%(other)s，同一项目不能重复申报；如需改报，请先撤回原申报。"
                ) % {"code": code, "other": _describe_own(taken)}
        elif taken is not None:
            errors["project_code"] = _(
                "投资项目代码 %(code)s 已被另一份申报使用，同一项目不能重复申报。请核对项目代码；"
                "如有疑问，请联系所在区经济主管部门。"
            ) % {"code": code}
    if "project_code" not in errors and application.name.strip():
        approved = others.filter(enterprise_id=application.enterprise_id, status=ApplicationStatus.APPROVED)
        similar = similar_names(
            application, approved.only("id", "name", "status", "reference_number", "call")
        )
        if similar:
            best = similar[0]
            errors["name"] = _(
                "项目名称与%(other)s高度相似（相似度 %(ratio)s），该项目已获得市级专项资金支持，"
                "已获支持的项目不能再次申报。"
            ) % {"other": _describe_own(best.other), "ratio": _percent(best.similarity)}
    if errors:
        raise ValidationError(errors)


def flag_near_duplicates(application: Application, ctx: Any) -> list[str]:
    """Effect of the ``submit`` transition: flag the enterprise's other applications with a very
    similar name (approved ones were refused above) for the reviewers."""
    DuplicateFlag.objects.filter(application=application, kind=DuplicateKind.SIMILAR_NAME).delete()
    candidates = (
        Application.objects.filter(enterprise_id=application.enterprise_id)
        .exclude(pk=application.pk)
        .exclude(status__in=NOT_APPLICATIONS)
        .select_related("call")
        .only("id", "name", "status", "reference_number", "call")
    )
    similar = similar_names(application, candidates)
    DuplicateFlag.objects.bulk_create(
        DuplicateFlag(
            application=application,
            other=s.other,
            kind=DuplicateKind.SIMILAR_NAME,
            similarity=Decimal(s.similarity).quantize(Decimal("0.001"), rounding=ROUND_DOWN),
            detail=(
                _("与%(other)s名称相近（相似度 %(ratio)s）")
                % {"other": _describe_own(s.other), "ratio": _percent(s.similarity)}
            )[:300],
        )
        for s in similar
    )
    flagged = bool(similar)
    if application.has_duplicate_flags == flagged:
        return []
    application.has_duplicate_flags = flagged
    return ["has_duplicate_flags"]
