"""District review and recommendation (rules.md §2 step 4; policy 三(五): 属地原则).

The bureau of the application's district — and only it — takes a submitted application up
(``district_start``), checks completeness and eligibility, and either returns it for correction
with a reason per item (``district_return``) or includes it in a recommendation document. An
officer (经办人) prepares the document: several applications of one call, each with its priority
rank among the district's applications and an opinion. The head (负责人) signs it with the official
document number (推荐文号): every application in it moves to "recommended" at once, or none does.
The head may instead decline an application (``district_decline``, with the reason). The
enterprise corrects a returned application and resubmits it (``resubmit``), which sends it back
to the district.

Every status change goes through :func:`jigai.applications.services.application_transition`;
the rules that must hold however a transition is reached are its checks and effects
(:mod:`jigai.recommendations.checks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.applications.services import application_transition
from jigai.audit.services import audit_record
from jigai.core.permissions import require
from jigai.core.text import join_list, join_messages
from jigai.notifications import recipients
from jigai.notifications import services as notifications
from jigai.recommendations.checks import review_eligibility
from jigai.recommendations.choices import CorrectionSection, CorrectionStage, RecommendationStatus
from jigai.recommendations.models import CorrectionItem, CorrectionRequest, Recommendation, RecommendationItem
from jigai.recommendations.permissions import (
    _in_a_district,
    _same_district,
    can_change_recommendation,
    can_prepare_recommendation,
    require_action,
)
from jigai.recommendations.selectors import late_days

REASON_MAX = 1000
OPINION_MAX = 2000
MAX_ITEMS = 30


#: the states in which an application waits for the district (to be taken up or reviewed)
AWAITING_DISTRICT = (S.SUBMITTED, S.RESUBMITTED, S.DISTRICT_REVIEW)


def overdue_days(application: Application) -> int:
    """Days the call's district forward date (区推荐截止日期) has passed while the application
    still waits for the district; 0 when not overdue."""
    if application.status not in AWAITING_DISTRICT:
        return 0
    return max(0, (timezone.localdate() - application.call.district_forward_date).days)


def overdue_count(*, actor: Any) -> int:
    """The district's applications still waiting for it after their call's forward date."""
    return (
        application_scope(actor)
        .filter(status__in=AWAITING_DISTRICT, call__district_forward_date__lt=timezone.localdate())
        .count()
    )


# --- writes: single applications ------------------------------------------------------------------
def district_start(*, actor: Any, application: Application) -> Application:
    """The district officer takes up a submitted or resubmitted application of its district."""
    require_action(actor, application, "district_start")
    return application_transition(actor=actor, application=application, action="district_start")


def clean_correction_items(items: Sequence[Any]) -> list[tuple[str, str]]:
    """(section, reason) pairs from dicts or objects; one ValidationError for every bad item."""
    sections = dict(CorrectionSection.choices)
    errors: dict[str, str] = {}
    cleaned: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        get = item.get if isinstance(item, Mapping) else lambda name, _i=item: getattr(_i, name, "")
        section = str(get("section") or "").strip()
        reason = str(get("reason") or "").strip()
        if not section and not reason:
            continue
        if section not in sections:
            errors[f"items.{index}.section"] = _("“%(s)s”不是申报的组成部分，可选：%(options)s。") % {
                "s": section,
                "options": join_list(f"{k}（{v}）" for k, v in sections.items()),
            }
        if not reason:
            errors[f"items.{index}.reason"] = _("请写明“%(s)s”需修改的理由。") % {
                "s": sections.get(section, section)
            }
        elif len(reason) > REASON_MAX:
            errors[f"items.{index}.reason"] = _("理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}
        cleaned.append((section, reason))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"items": _("退回修改须逐项写明需修改的内容和理由，至少一项。")})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": _("一次退回最多 %(n)d 项。") % {"n": MAX_ITEMS}})
    return cleaned


def correction_summary(items: Iterable[tuple[str, str]]) -> str:
    sections = dict(CorrectionSection.choices)
    return "；".join(f"{n}. {sections.get(s, s)}：{r}" for n, (s, r) in enumerate(items, start=1))


def create_correction_request(
    *, actor: Any, application: Application, stage: str, items: list[tuple[str, str]]
) -> CorrectionRequest:
    """The return's items (inside the caller's transaction, just before its transition)."""
    request = CorrectionRequest.objects.create(application=application, stage=stage, requested_by=actor)
    CorrectionItem.objects.bulk_create(
        CorrectionItem(request=request, section=section, reason=reason) for section, reason in items
    )
    audit_record(
        actor=actor,
        action="review.correction_request.create",
        obj=request,
        changes={"items": {"before": None, "after": [list(i) for i in items]}},
    )
    return request


def district_return(*, actor: Any, application: Application, items: Sequence[Any]) -> CorrectionRequest:
    """Return an application under district review to the enterprise for correction, with the
    reason for each item to correct (at least one: section of the application + reason). The
    enterprise sees the items on its application; it leaves a document not yet signed."""
    require_action(actor, application, "district_return")
    cleaned = clean_correction_items(items)
    with transaction.atomic():
        request = create_correction_request(
            actor=actor, application=application, stage=CorrectionStage.DISTRICT, items=cleaned
        )
        application_transition(
            actor=actor,
            application=application,
            action="district_return",
            comment=correction_summary(cleaned),
        )
    return request


def district_decline(*, actor: Any, application: Application, reason: str) -> Application:
    """The district head does not recommend an application under district review (reason required,
    shown to the enterprise). It leaves a document not yet signed."""
    require_action(actor, application, "district_decline")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予推荐的理由。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}})
    return application_transition(
        actor=actor, application=application, action="district_decline", comment=reason
    )


def application_resubmit(*, actor: Any, application: Application) -> Application:
    """The enterprise resubmits a returned application after correcting it: every eligibility rule
    again except the window (else ``NotEligible``), never a duplicate; back to its district."""
    require_action(actor, application, "resubmit")
    return application_transition(actor=actor, application=application, action="resubmit")


# --- writes: the recommendation document ---------------------------------------------------------
def _clean_priorities(count: int, priorities: Sequence[int] | None) -> list[int]:
    if priorities is None or len(priorities) == 0:
        return list(range(1, count + 1))
    if len(priorities) != count:
        raise ValidationError({"priorities": _("推荐排序的个数须与所选申报的个数相同。")})
    values: list[int] = []
    for value in priorities:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({"priorities": _("推荐排序须为正整数。")}) from None
        if number < 1 or number > 32767:
            raise ValidationError({"priorities": _("推荐排序须为 1 至 32767 的整数。")})
        values.append(number)
    if len(set(values)) != len(values):
        raise ValidationError({"priorities": _("同一推荐文件中的推荐排序不能重复。")})
    return values


def _clean_opinion(opinion: str, *, required: bool = True) -> str:
    opinion = (opinion or "").strip()
    if required and not opinion:
        raise ValidationError({"opinion": _("请填写区经济主管部门的推荐意见。")})
    if len(opinion) > OPINION_MAX:
        raise ValidationError({"opinion": _("推荐意见不能超过 %(n)d 个字。") % {"n": OPINION_MAX}})
    return opinion


def _describe(application: Application) -> str:
    return f"{application.reference_number or application.pk}（{application.name}）"


def _check_recommendable(actor: Any, applications: list[Application], exclude: int | None = None) -> None:
    """Every application is the actor's district's, of one call, under district review, and in no
    other document waiting for signature."""
    problems: list[str] = []
    calls = {a.call_id for a in applications}
    if len(calls) > 1:
        problems.append(_("一份推荐文件只能包含同一申报通知的申报。"))
    for application in applications:
        if application.district_id != actor.district_id:
            problems.append(_("%(a)s 不属于本区。") % {"a": _describe(application)})
        elif application.status != S.DISTRICT_REVIEW:
            problems.append(
                _("%(a)s 当前状态为“%(s)s”，须先受理并完成区级审核。")
                % {"a": _describe(application), "s": application.get_status_display()}
            )
    pending = RecommendationItem.objects.filter(
        application__in=[a.pk for a in applications], recommendation__status=RecommendationStatus.PREPARED
    ).select_related("application", "recommendation")
    if exclude:
        pending = pending.exclude(recommendation_id=exclude)
    for item in pending:
        problems.append(
            _("%(a)s 已在待签发的推荐文件 #%(r)d 中。")
            % {"a": _describe(item.application), "r": item.recommendation_id}
        )
    if problems:
        raise ValidationError({"application_ids": problems})


def recommendation_prepare(
    *,
    actor: Any,
    applications: Sequence[Application],
    opinion: str,
    priorities: Sequence[int] | None = None,
    item_opinions: Sequence[str] | None = None,
) -> Recommendation:
    """The district officer prepares one recommendation document for several applications of a call
    (batch recommendation): each with its priority rank among the district's applications of the
    call (distinct within the document; default 1…n in the order given) and an optional opinion,
    plus the district's opinion on the whole. The district heads are told it waits for signature."""
    require(can_prepare_recommendation(actor), "recommendation.prepare")
    if not applications:
        raise ValidationError({"application_ids": _("请至少选择一个申报。")})
    ids = [a.pk for a in applications]
    if len(set(ids)) != len(ids):
        raise ValidationError({"application_ids": _("同一申报不能在推荐文件中出现两次。")})
    ranks = _clean_priorities(len(ids), priorities)
    notes = [(o or "").strip() for o in (item_opinions or [])]
    if notes and len(notes) != len(ids):
        raise ValidationError({"item_opinions": _("逐项审核意见的个数须与所选申报的个数相同。")})
    if any(len(n) > OPINION_MAX for n in notes):
        raise ValidationError({"item_opinions": _("审核意见不能超过 %(n)d 个字。") % {"n": OPINION_MAX}})
    opinion = _clean_opinion(opinion)
    with transaction.atomic():
        locked = {a.pk: a for a in application_scope(actor).select_for_update().filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in locked]
        if missing:
            raise ValidationError(
                {"application_ids": _("未找到申报：%(ids)s。") % {"ids": join_list(missing)}}
            )
        ordered = [locked[pk] for pk in ids]
        _check_recommendable(actor, ordered)
        recommendation = Recommendation.objects.create(
            call_id=ordered[0].call_id,
            district_id=actor.district_id,
            opinion=opinion,
            prepared_by=actor,
        )
        RecommendationItem.objects.bulk_create(
            RecommendationItem(
                recommendation=recommendation,
                application=application,
                priority=rank,
                opinion=notes[n] if notes else "",
            )
            for n, (application, rank) in enumerate(zip(ordered, ranks, strict=True))
        )
        audit_record(
            actor=actor,
            action="review.recommendation.prepare",
            obj=recommendation,
            changes={
                "items": {
                    "before": None,
                    "after": [[a.reference_number, r] for a, r in zip(ordered, ranks, strict=True)],
                },
                "opinion": {"before": None, "after": opinion},
            },
        )
        notifications.notify(
            users=recipients.district_heads(ordered[0]),
            verb=_("待签发推荐文件"),
            message=_("%(who)s拟定了推荐文件（%(n)d 个项目，%(call)s），请审核并以推荐文号签发。")
            % {"who": actor, "n": len(ordered), "call": ordered[0].call.title},
            url=reverse("review:recommendation_detail", args=[recommendation.pk]),
            exclude=actor,
        )
    return recommendation


def recommendation_update(
    *,
    actor: Any,
    recommendation: Recommendation,
    priorities: Mapping[int, int],
    opinion: str,
    item_opinions: Mapping[int, str] | None = None,
) -> Recommendation:
    """Change the ranks (application id → rank), the item opinions and the opinion of a document
    not yet signed (the district's officers)."""
    require(can_change_recommendation(actor, recommendation), "recommendation.update")
    opinion = _clean_opinion(opinion)
    with transaction.atomic():
        locked: Recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        require(can_change_recommendation(actor, locked), "recommendation.update")
        items = list(locked.items.order_by("priority"))
        ranks = _clean_priorities(len(items), [priorities.get(i.application_id, i.priority) for i in items])
        before = [[i.application_id, i.priority, i.opinion] for i in items]
        # Two passes so that the unique (document, rank) never meets itself mid-way.
        top = max([*ranks, *(i.priority for i in items)])
        for n, item in enumerate(items, start=1):
            item.priority = top + n
            item.save(update_fields=["priority"])
        for item, rank in zip(items, ranks, strict=True):
            item.priority = rank
            if item_opinions is not None and item.application_id in item_opinions:
                item.opinion = (item_opinions[item.application_id] or "").strip()[:OPINION_MAX]
            item.save(update_fields=["priority", "opinion"])
        changes: dict[str, Any] = {
            "items": {"before": before, "after": [[i.application_id, i.priority, i.opinion] for i in items]}
        }
        if locked.opinion != opinion:
            changes["opinion"] = {"before": locked.opinion, "after": opinion}
            locked.opinion = opinion
            locked.save(update_fields=["opinion"])
        audit_record(actor=actor, action="review.recommendation.update", obj=locked, changes=changes)
    return locked


def recommendation_withdraw(
    *, actor: Any, recommendation: Recommendation, reason: str = ""
) -> Recommendation:
    """Withdraw a document not yet signed; its applications stay under district review."""
    require(can_change_recommendation(actor, recommendation), "recommendation.withdraw")
    with transaction.atomic():
        locked: Recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        require(can_change_recommendation(actor, locked), "recommendation.withdraw")
        locked.status = RecommendationStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="review.recommendation.withdraw",
            obj=locked,
            changes={
                "status": {"before": RecommendationStatus.PREPARED, "after": RecommendationStatus.WITHDRAWN}
            },
            message=(reason or "").strip()[:REASON_MAX],
        )
    return locked


_YEAR_IN_BRACKETS = re.compile(r"[\[［(（【〔]\s*(\d{4})\s*[\]］)）】〕]")


def normalise_document_number(number: str) -> str:
    """Spaces removed and the year's brackets made the official 〔〕: "浦经信[2026] 12号" and
    "浦经信〔2026〕12号" are the same document number."""
    text = re.sub(r"\s+", "", number or "")
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", text)


def recommendation_sign(
    *, actor: Any, recommendation: Recommendation, document_number: str
) -> Recommendation:
    """The district head signs the document with its official number (推荐文号; required, unique):
    every application in it moves from district review to "recommended" in one transaction — if
    any cannot (another state, another district), nothing changes and the reason names each one.
    The municipal officers are told once per document; a document signed after the call's district
    forward date is signed and shown as late."""
    decision = _in_a_district(actor, (Role.DISTRICT_HEAD,), _("签发推荐文件"))
    require(decision and _same_district(actor, recommendation), "recommendation.sign")
    number = normalise_document_number(document_number)
    if not number:
        raise ValidationError({"document_number": _("请填写推荐文号。")})
    max_length = Recommendation._meta.get_field("document_number").max_length or 60
    if len(number) > max_length:
        raise ValidationError({"document_number": _("推荐文号不能超过 %(n)d 个字符。") % {"n": max_length}})
    with transaction.atomic():
        locked: Recommendation = (
            Recommendation.objects.select_for_update().select_related("call").get(pk=recommendation.pk)
        )
        if locked.status != RecommendationStatus.PREPARED:
            raise ValidationError(
                _("推荐文件当前状态为“%(s)s”，不能签发。") % {"s": locked.get_status_display()}
            )
        taken = Recommendation.objects.filter(document_number=number).exclude(pk=locked.pk).first()
        if taken is not None:
            raise ValidationError(
                {"document_number": _("推荐文号“%(n)s”已被使用，请核对文号。") % {"n": number}}
            )
        items = list(locked.items.select_related("application").order_by("priority"))
        ids = [i.application_id for i in items]
        current = {a.pk: a for a in Application.objects.select_for_update().filter(pk__in=ids)}
        wrong = [
            _("%(a)s 当前状态为“%(s)s”") % {"a": _describe(a), "s": a.get_status_display()}
            for a in (current[pk] for pk in ids)
            if a.status != S.DISTRICT_REVIEW
        ]
        if not items:
            raise ValidationError(_("推荐文件中没有申报，不能签发。"))
        if wrong:
            raise ValidationError(
                _("以下申报不在区级审核中，推荐文件未签发：%(list)s。") % {"list": join_messages(wrong)}
            )
        locked.document_number = number
        locked.status = RecommendationStatus.SIGNED
        locked.signed_by = actor
        locked.signed_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save(update_fields=["document_number", "status", "signed_by", "signed_at"])
        except IntegrityError:
            raise ValidationError(
                {"document_number": _("推荐文号“%(n)s”已被使用，请核对文号。") % {"n": number}}
            ) from None
        for item in items:
            application_transition(
                actor=actor,
                application=current[item.application_id],
                action="district_recommend",
                comment=_("推荐文号 %(n)s，推荐排序第 %(p)d 位") % {"n": number, "p": item.priority},
            )
        late = late_days(locked)
        audit_record(
            actor=actor,
            action="review.recommendation.sign",
            obj=locked,
            changes={
                "status": {"before": RecommendationStatus.PREPARED, "after": RecommendationStatus.SIGNED},
                "document_number": {"before": "", "after": number},
                "applications": {"before": None, "after": [current[pk].reference_number for pk in ids]},
            },
            message=_("逾期 %(d)d 天签发（区推荐截止日期 %(date)s）。")
            % {"d": late, "date": locked.call.district_forward_date}
            if late
            else "",
        )
        notifications.notify(
            users=recipients.municipal_officers(),
            verb=_("区推荐待初审"),
            message=_(
                "%(district)s经济主管部门签发推荐文件 %(n)s，推荐 %(c)d 个项目（%(call)s），请开展市级初审。"
            )
            % {
                "district": locked.district.name,
                "n": number,
                "c": len(items),
                "call": locked.call.title,
            },
            url=reverse("review:municipal_list"),
            exclude=actor,
        )
    return locked


__all__ = [
    "application_resubmit",
    "district_decline",
    "district_return",
    "district_start",
    "recommendation_prepare",
    "recommendation_sign",
    "recommendation_update",
    "recommendation_withdraw",
    "review_eligibility",
]
