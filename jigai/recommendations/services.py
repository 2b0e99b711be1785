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
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications import workflow
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.applications.services import application_transition
from jigai.audit.services import audit_record
from jigai.core.permissions import ALLOW, Decision, PermissionRefused, deny, has_role, require
from jigai.core.todos import Todo
from jigai.notifications import recipients
from jigai.notifications import services as notifications
from jigai.recommendations.checks import review_eligibility
from jigai.recommendations.choices import CorrectionSection, CorrectionStage, RecommendationStatus
from jigai.recommendations.models import CorrectionItem, CorrectionRequest, Recommendation, RecommendationItem

REASON_MAX = 1000
OPINION_MAX = 2000
MAX_ITEMS = 30


# --- the workbench's tabs -----------------------------------------------------------------------
@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...]


#: every status after the district's recommendation
FORWARDED = (
    S.RECOMMENDED,
    S.MUNICIPAL_REVIEW,
    S.EXPERT_REVIEW,
    S.COMPREHENSIVE_REVIEW,
    S.PROPOSED,
    S.PUBLICITY,
    S.APPROVED,
    S.NOT_APPROVED,
)


def workbench_tabs() -> list[Tab]:
    return [
        Tab("pending", _("待受理"), (S.SUBMITTED, S.RESUBMITTED)),
        Tab("review", _("审核中"), (S.DISTRICT_REVIEW,)),
        Tab("returned", _("已退回修改"), (S.RETURNED,)),
        Tab("forwarded", _("已推荐上报"), FORWARDED),
        Tab("declined", _("不予推荐"), (S.NOT_RECOMMENDED,)),
    ]


# --- permissions ----------------------------------------------------------------------------------
def _in_a_district(user: Any, roles: Iterable[str], what: str) -> Decision:
    decision = has_role(user, roles, what)
    if decision and not user.district_id:
        return deny(_("您的账户没有关联区经济主管部门，请联系系统管理员。"))
    return decision


def can_work_district_review(user: Any) -> Decision:
    """The district workbench: the officers and heads of a district bureau."""
    return _in_a_district(user, (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD), _("办理区级审核"))


def can_prepare_recommendation(user: Any) -> Decision:
    """An officer (经办人) prepares the recommendation document; the head signs it."""
    return _in_a_district(user, (Role.DISTRICT_OFFICER,), _("拟定推荐文件"))


def _same_district(user: Any, recommendation: Recommendation) -> Decision:
    if user.district_id != recommendation.district_id:
        return deny(_("只有项目属地区的经济主管部门可以办理此事项。"))
    return ALLOW


def can_sign_recommendation(user: Any, recommendation: Recommendation) -> Decision:
    """The head of the document's district signs it, once, while it is prepared."""
    decision = _in_a_district(user, (Role.DISTRICT_HEAD,), _("签发推荐文件"))
    if not decision:
        return decision
    decision = _same_district(user, recommendation)
    if decision and recommendation.status != RecommendationStatus.PREPARED:
        return deny(_("推荐文件当前状态为“%(s)s”，不能签发。") % {"s": recommendation.get_status_display()})
    return decision


def can_change_recommendation(user: Any, recommendation: Recommendation) -> Decision:
    """The district's officers may change the ranking of, or withdraw, a document not yet signed."""
    decision = can_prepare_recommendation(user)
    if not decision:
        return decision
    decision = _same_district(user, recommendation)
    if decision and recommendation.status != RecommendationStatus.PREPARED:
        return deny(_("推荐文件当前状态为“%(s)s”，不能修改。") % {"s": recommendation.get_status_display()})
    return decision


def can_read_recommendations(user: Any) -> Decision:
    """Recommendation documents are read by the district bureaus (their own) and the city's
    business roles; enterprises and experts do not see the district's internal ranking."""
    return has_role(
        user,
        (
            Role.DISTRICT_OFFICER,
            Role.DISTRICT_HEAD,
            Role.MUNICIPAL_OFFICER,
            Role.MUNICIPAL_HEAD,
            Role.FINANCE_OFFICER,
            Role.NDRC_VIEWER,
            Role.SUPERVISOR,
        ),
        _("查看区推荐文件"),
    )


def transition_decision(user: Any, application: Application, action: str) -> Decision:
    """Whether ``user`` may take ``action`` on ``application`` now, and if not why (for the
    disabled button): the same answer the transition service gives, without performing it."""
    transition = workflow.find(action, application.status)
    if transition is None:
        known = workflow.BY_ACTION.get(action)
        label = known[0].label if known else action
        return deny(
            _("申报当前状态为“%(s)s”，不能%(a)s。") % {"s": application.get_status_display(), "a": label}
        )
    reason = workflow.refusal(transition, application, user)
    return deny(reason) if reason else ALLOW


def require_action(user: Any, application: Application, action: str) -> None:
    """Refuse before any input is read: an application outside the user's scope, a role or
    district that may not act (403 with the reason); then a state that does not allow it (422)."""
    if not application_scope(user).filter(pk=application.pk).exists():
        raise PermissionRefused(_("您无权办理此申报。"), f"application.{action}")
    known = workflow.BY_ACTION.get(action)
    assert known, action
    reason = workflow.refusal(known[0], application, user)
    if reason:
        raise PermissionRefused(reason, f"application.{action}")
    decision = transition_decision(user, application, action)
    if not decision:
        raise ValidationError(decision.reason)


# --- reads ----------------------------------------------------------------------------------------
def district_applications(
    *, actor: Any, tab: str | None = None, call: int | None = None
) -> QuerySet[Application]:
    """The district's applications (属地原则) for the workbench, in one query per page: each with
    ``in_prepared`` (already in a document waiting for the head's signature)."""
    qs = application_scope(actor).select_related("call", "enterprise", "district")
    tabs = {t.key: t for t in workbench_tabs()}
    if tab in tabs:
        qs = qs.filter(status__in=tabs[tab].statuses)
    else:
        qs = qs.exclude(status__in=(S.DRAFT, S.WITHDRAWN))
    if call:
        qs = qs.filter(call_id=call)
    prepared = RecommendationItem.objects.filter(
        application=OuterRef("pk"), recommendation__status=RecommendationStatus.PREPARED
    )
    return qs.annotate(in_prepared=Exists(prepared)).order_by("submitted_at", "id")


def workbench_counts(*, actor: Any) -> dict[str, int]:
    """How many of the district's applications each tab holds (one query)."""
    tabs = workbench_tabs()
    totals = application_scope(actor).aggregate(
        **{t.key: Count("id", filter=Q(status__in=t.statuses)) for t in tabs}
    )
    return {t.key: int(totals[t.key] or 0) for t in tabs}


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


def recommendation_list(
    *, actor: Any, status: str | None = None, call: int | None = None
) -> QuerySet[Recommendation]:
    """The recommendation documents the actor may read (a district its own; the city all)."""
    if not can_read_recommendations(actor):
        return Recommendation.objects.none()
    qs: QuerySet[Recommendation] = (
        Recommendation.objects.visible_to(actor)
        .select_related("call", "district", "prepared_by", "signed_by")
        .annotate(item_count=Count("items"))
    )
    if status:
        qs = qs.filter(status=status)
    if call:
        qs = qs.filter(call_id=call)
    return qs.order_by("-prepared_at", "-id")


def recommendation_get(*, actor: Any, pk: int) -> Recommendation:
    """One document with its items in rank order; Http404 outside the actor's scope."""
    recommendation = (
        recommendation_list(actor=actor)
        .prefetch_related("items__application__enterprise")
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404(_("未找到该推荐文件。"))
    return recommendation


def correction_requests(*, actor: Any, application: Application) -> list[CorrectionRequest]:
    """The returns of an application with their items, newest first (whoever sees the application)."""
    return list(
        CorrectionRequest.objects.visible_to(actor)
        .filter(application=application)
        .select_related("requested_by")
        .prefetch_related("items")
    )


def next_priority(*, district_id: str, call_id: int) -> int:
    """The first rank after those the district already gave in this call's documents."""
    used = RecommendationItem.objects.filter(
        recommendation__district_id=district_id, recommendation__call_id=call_id
    ).exclude(recommendation__status=RecommendationStatus.WITHDRAWN)
    return int(used.aggregate(m=Max("priority"))["m"] or 0) + 1


def late_days(recommendation: Recommendation) -> int:
    """Days after the call's district forward date (区推荐截止日期) the document was signed (or, while
    prepared, would be signed today); 0 when in time. Late documents are signed and flagged, not
    refused (docs/workflows.md)."""
    moment = recommendation.signed_at or timezone.now()
    return max(0, (timezone.localdate(moment) - recommendation.call.district_forward_date).days)


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
                "options": "、".join(f"{k}（{v}）" for k, v in sections.items()),
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
                {"application_ids": _("未找到申报：%(ids)s。") % {"ids": "、".join(missing)}}
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
                _("以下申报不在区级审核中，推荐文件未签发：%(list)s。") % {"list": "；".join(wrong)}
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
