"""The expert pool, the rubric of a call, who may do what in the expert review, and the reads
(selectors) every page and endpoint of the expert review starts from (issue 4, experts).

* **Pool** — an :class:`ExpertProfile` per user of role expert, kept by the commission's officer
  (:func:`expert_profile_upsert`): title, specialty, the catalog directions and industries the
  expert knows, and whether it may be drawn. Its employer is ``user.organisation``. The expert
  declares its own conflicts of interest (:func:`expert_conflict_declare`).
* **Rubric** — the criteria of a call, with weights summing to 100 and a maximum score each;
  defaults :data:`DEFAULT_RUBRIC`; editable by the officer until the first score, then frozen.
* **Visibility** — an expert sees its own assignments only, and an application only after
  declaring no conflict; nobody but the expert itself sees its scores before the panel closes
  (:func:`scores_visible`).

The draw is in :mod:`jigai.experts.draw`, declaration, scoring, aggregation and the
officer's actions in :mod:`jigai.experts.scoring`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import MUNICIPAL_ROLES, Role
from jigai.accounts.models import Organisation, User
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.audit.services import audit_record
from jigai.calls.models import Call
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.models import CatalogItem, CatalogVersion
from jigai.core.permissions import ALLOW, Decision, deny, has_role, require
from jigai.core.todos import Todo
from jigai.experts.checks import ACTIVE_STATUSES, PENDING_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import (
    Assignment,
    DrawRecord,
    ExpertConflict,
    ExpertProfile,
    Panel,
    RubricCriterion,
    Score,
)
from jigai.reference.codes import normalise_code
from jigai.reference.models import Industry

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal("100")

# --- Permissions ------------------------------------------------------------------------------
#: who reads the pool and the panels: the commission's officers and heads
PANEL_READERS = (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD)


def can_manage_pool(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("管理评审专家库"))


def can_read_pool(user: Any) -> Decision:
    return has_role(user, PANEL_READERS, _("查看评审专家库"))


def can_manage_panel(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("组织专家评审"))


def can_read_panel(user: Any) -> Decision:
    return has_role(user, PANEL_READERS, _("查看专家评审情况"))


def can_act_as_expert(user: Any) -> Decision:
    return has_role(user, [Role.EXPERT], _("办理评审任务"))


def can_read_rubric(user: Any) -> Decision:
    return has_role(user, [*PANEL_READERS, Role.EXPERT], _("查看评分细则"))


def rubric_is_frozen(call: Call) -> bool:
    """Frozen from the first score of the call's panel (and for good once the panel is closed)."""
    if Panel.objects.filter(call=call, status=PanelStatus.CLOSED).exists():
        return True
    return Score.objects.filter(assignment__panel__call=call).exists()


def can_edit_rubric(user: Any, call: Call) -> Decision:
    decision = has_role(user, [Role.MUNICIPAL_OFFICER], _("设置评分细则"))
    if not decision:
        return decision
    if rubric_is_frozen(call):
        return deny(_("专家已开始评分，评分细则已冻结，不能再修改。"))
    return ALLOW


# --- Pool -------------------------------------------------------------------------------------
PROFILE_FIELDS = ("title", "specialty", "is_active")


def current_catalog() -> CatalogVersion | None:
    """The newest published catalog: where an expert's directions are chosen from."""
    return CatalogVersion.objects.filter(status=CatalogStatus.PUBLISHED).order_by("-year", "-pk").first()


def _profile_snapshot(profile: ExpertProfile) -> dict[str, Any]:
    return {
        "title": profile.title,
        "specialty": profile.specialty,
        "is_active": profile.is_active,
        "directions": sorted(profile.directions.values_list("code", flat=True)),
        "industries": sorted(profile.industries.values_list("code", flat=True)),
    }


def expert_profile_upsert(
    *,
    actor: Any,
    user: User,
    title: str = "",
    specialty: str = "",
    direction_codes: Sequence[str] = (),
    industry_codes: Sequence[str] = (),
    is_active: bool = True,
) -> ExpertProfile:
    """Put a user of role expert in the pool, or change its entry (the commission's officer).

    Directions are codes of the newest published catalog (a field's code covers its directions);
    industries are GB/T 4754 codes (a section letter covers its divisions). The employer is the
    user's organisation, which the conflict-of-interest rules read.
    """
    require(can_manage_pool(actor), "review.expert.upsert")
    errors: dict[str, str] = {}
    if user.role != Role.EXPERT:
        errors["user"] = _("只有角色为“评审专家”的账户可以纳入专家库（%(u)s 是%(r)s）。") % {
            "u": user.username,
            "r": user.get_role_display(),
        }
    title, specialty = (title or "").strip(), (specialty or "").strip()
    if len(title) > 60:
        errors["title"] = _("职称不能超过 60 个字。")
    if len(specialty) > 200:
        errors["specialty"] = _("专业领域不能超过 200 个字。")
    codes = list(dict.fromkeys(c.strip() for c in direction_codes if c and c.strip()))
    directions: list[CatalogItem] = []
    if codes:
        catalog = current_catalog()
        found = {i.code: i for i in CatalogItem.objects.filter(version=catalog, code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if catalog is None or unknown:
            errors["direction_codes"] = _("现行支持目录中没有编号为“%(c)s”的条目。") % {
                "c": "、".join(unknown or codes)
            }
        directions = [found[c] for c in codes if c in found]
    industry_list = list(dict.fromkeys(c.strip().upper() for c in industry_codes if c and c.strip()))
    industries = list(Industry.objects.filter(code__in=industry_list))
    unknown_industries = sorted(set(industry_list) - {i.code for i in industries})
    if unknown_industries:
        errors["industry_codes"] = _("没有行业代码“%(c)s”（国民经济行业分类门类或大类）。") % {
            "c": "、".join(unknown_industries)
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, created = ExpertProfile.objects.select_for_update().get_or_create(user=user)
        before = {} if created else _profile_snapshot(profile)
        profile.title, profile.specialty, profile.is_active = title, specialty, is_active
        profile.save()
        profile.directions.set(directions)
        profile.industries.set(industries)
        after = _profile_snapshot(profile)
        changes = {k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v}
        audit_record(
            actor=actor,
            action="review.expert.create" if created else "review.expert.update",
            obj=profile,
            changes=changes,
        )
    return profile


def organisation_lookup(text: str) -> Organisation | None:
    """The organisation an expert names for a conflict: by its exact credit code or exact name
    (experts cannot browse the organisations, so nothing is listed)."""
    text = (text or "").strip()
    if not text:
        return None
    code = normalise_code(text)
    return (
        Organisation.objects.filter(credit_code=code).first()
        or Organisation.objects.filter(name=text).order_by("pk").first()
    )


def _own_profile(actor: Any, action: str) -> ExpertProfile:
    require(can_act_as_expert(actor), action)
    profile = ExpertProfile.objects.filter(user=actor).first()
    if profile is None:
        raise ValidationError(_("您尚未纳入评审专家库，请联系市经信委。"))
    return profile


def expert_conflict_declare(*, actor: Any, organisation: Organisation, reason: str) -> ExpertConflict:
    """The expert declares a conflict of interest with an organisation (an applicant, its parent, a
    former employer…): it will not be drawn for that organisation's applications, nor for those of
    organisations related to it. Its own employer is excluded without declaring."""
    profile = _own_profile(actor, "review.expert.conflict_declare")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明与该单位的关联情况。")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("关联情况不能超过 300 个字。")})
    if organisation.pk == actor.organisation_id:
        raise ValidationError({"organisation": _("您的工作单位已自动回避，无需申报。")})
    if ExpertConflict.objects.filter(expert=profile, organisation=organisation).exists():
        raise ValidationError({"organisation": _("已申报过与“%(o)s”的利益关联。") % {"o": organisation.name}})
    with transaction.atomic():
        conflict = ExpertConflict.objects.create(expert=profile, organisation=organisation, reason=reason)
        audit_record(
            actor=actor,
            action="review.expert.conflict_declare",
            obj=profile,
            changes={"declared_conflicts": {"before": None, "after": organisation.pk}},
            message=f"{organisation.name}：{reason}",
        )
    return conflict


def expert_conflict_withdraw(*, actor: Any, organisation: Organisation) -> None:
    """The expert withdraws a conflict it declared (audited)."""
    profile = _own_profile(actor, "review.expert.conflict_withdraw")
    conflict = ExpertConflict.objects.filter(expert=profile, organisation=organisation).first()
    if conflict is None:
        raise Http404(_("未申报过与该单位的利益关联。"))
    with transaction.atomic():
        conflict.delete()
        audit_record(
            actor=actor,
            action="review.expert.conflict_withdraw",
            obj=profile,
            changes={"declared_conflicts": {"before": organisation.pk, "after": None}},
            message=f"{organisation.name}：{conflict.reason}",
        )


# --- Pool reads -------------------------------------------------------------------------------
def expert_profile_list(
    *, actor: Any, q: str | None = None, active: bool | None = None
) -> QuerySet[ExpertProfile]:
    """The pool for the commission's officers and heads (nobody else lists it); ``q`` in the
    account, name, employer, title or specialty."""
    if not can_read_pool(actor):
        return ExpertProfile.objects.none()
    qs = ExpertProfile.objects.select_related("user", "user__organisation").prefetch_related(
        "directions", "industries"
    )
    if active is not None:
        qs = qs.filter(is_active=active)
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(user__username__icontains=text)
            | Q(user__display_name__contains=text)
            | Q(user__organisation__name__contains=text)
            | Q(title__contains=text)
            | Q(specialty__contains=text)
        )
    return qs.order_by("user__username", "pk")


def expert_profile_get(*, actor: Any, pk: int) -> ExpertProfile:
    profile = expert_profile_list(actor=actor).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("未找到该专家。"))
    return profile


def expert_profile_own(actor: Any) -> ExpertProfile | None:
    """The signed-in expert's own entry (with its declared conflicts), or None."""
    return (
        ExpertProfile.objects.select_related("user", "user__organisation")
        .prefetch_related("directions", "industries", "conflicts__organisation")
        .filter(user=actor)
        .first()
    )


def expert_users_without_profile(*, actor: Any) -> QuerySet[User]:
    """Accounts of role expert not yet in the pool (for the officer's "add to the pool" form)."""
    if not can_manage_pool(actor):
        return User.objects.none()
    return (
        User.objects.filter(role=Role.EXPERT, is_active=True, expert_profile__isnull=True)
        .select_related("organisation")
        .order_by("username")
    )


# --- Rubric -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    weight: Decimal | str  # text from a form is checked by rubric_update
    max_score: Decimal | str = HUNDRED


#: the default rubric of a call (weights in percent, summing to 100; each scored out of 100)
DEFAULT_RUBRIC: tuple[CriterionSpec, ...] = (
    CriterionSpec("technical_advancement", "技术先进性", Decimal("30")),
    CriterionSpec("economic_benefit", "经济效益", Decimal("25")),
    CriterionSpec("implementation_capacity", "实施能力", Decimal("20")),
    CriterionSpec("investment_reasonableness", "投资合理性", Decimal("15")),
    CriterionSpec("catalog_fit", "符合支持目录", Decimal("10")),
)
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def rubric_criteria(call: Call) -> list[RubricCriterion]:
    """The call's criteria in order; the defaults (not saved) when the officer has set none."""
    saved = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
    if saved:
        return saved
    return [
        RubricCriterion(
            call=call, code=s.code, name=s.name, weight=s.weight, max_score=s.max_score, sort_order=n
        )
        for n, s in enumerate(DEFAULT_RUBRIC, start=1)
    ]


def rubric_ensure(call: Call) -> list[RubricCriterion]:
    """The call's saved criteria, saving the defaults first when there are none (the draw does this,
    so that scores always refer to saved criteria)."""
    criteria = rubric_criteria(call)
    if criteria and criteria[0].pk is None:
        RubricCriterion.objects.bulk_create(criteria)
        criteria = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
    return criteria


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _clean_rubric(criteria: Sequence[CriterionSpec]) -> list[tuple[str, str, Decimal, Decimal]]:
    errors: dict[str, str] = {}
    if not criteria:
        raise ValidationError({"criteria": _("评分细则至少需要一个评分项。")})
    if len(criteria) > 20:
        raise ValidationError({"criteria": _("评分项不能超过 20 个。")})
    clean: list[tuple[str, str, Decimal, Decimal]] = []
    codes: set[str] = set()
    names: set[str] = set()
    for n, spec in enumerate(criteria):
        code, name = (spec.code or "").strip(), (spec.name or "").strip()
        weight, max_score = _decimal(spec.weight), _decimal(spec.max_score)
        where = f"criteria.{n}"
        if not _CODE_RE.match(code):
            errors[f"{where}.code"] = _("代码须以小写字母开头，只含小写字母、数字和下划线，最长 30 个字符。")
        elif code in codes:
            errors[f"{where}.code"] = _("代码“%(c)s”重复。") % {"c": code}
        if not name or len(name) > 60:
            errors[f"{where}.name"] = _("请填写评分项名称（不超过 60 个字）。")
        elif name in names:
            errors[f"{where}.name"] = _("评分项“%(n)s”重复。") % {"n": name}
        if weight is None or not Decimal("0") < weight <= HUNDRED or weight != weight.quantize(TWO_PLACES):
            errors[f"{where}.weight"] = _("权重须大于 0、不超过 100，最多两位小数。")
        if (
            max_score is None
            or not Decimal("0") < max_score <= Decimal("1000")
            or max_score != max_score.quantize(TWO_PLACES)
        ):
            errors[f"{where}.max_score"] = _("满分须大于 0、不超过 1000，最多两位小数。")
        codes.add(code)
        names.add(name)
        if weight is not None and max_score is not None:
            clean.append((code, name, weight, max_score))
    if errors:
        raise ValidationError(errors)
    total = sum((c[2] for c in clean), Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            {"criteria": _("各评分项权重之和须为 100，现为 %(t)s。") % {"t": f"{total.normalize():f}"}}
        )
    return clean


def rubric_update(*, actor: Any, call: Call, criteria: Sequence[CriterionSpec]) -> list[RubricCriterion]:
    """Replace the call's rubric (the commission's officer): weights sum to 100, each criterion has
    a maximum score; refused once an expert has scored (the rubric is then frozen)."""
    require(can_edit_rubric(actor, call), "review.rubric.update")
    clean = _clean_rubric(criteria)
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()
        require(can_edit_rubric(actor, call), "review.rubric.update")
        before = [[c.code, c.name, str(c.weight), str(c.max_score)] for c in rubric_criteria(call)]
        RubricCriterion.objects.filter(call=call).delete()
        RubricCriterion.objects.bulk_create(
            RubricCriterion(call=call, code=code, name=name, weight=weight, max_score=max_score, sort_order=n)
            for n, (code, name, weight, max_score) in enumerate(clean, start=1)
        )
        saved = list(RubricCriterion.objects.filter(call=call).order_by("sort_order", "pk"))
        after = [[c.code, c.name, str(c.weight), str(c.max_score)] for c in saved]
        audit_record(
            actor=actor,
            action="review.rubric.update",
            obj=call,
            changes={"rubric": {"before": before, "after": after}} if before != after else {},
        )
    return saved


# --- Assignments: reads -----------------------------------------------------------------------
def assignment_scope(actor: Any) -> QuerySet[Assignment]:
    """Assignments the actor may see: an expert its own, the commission's officers and heads all;
    nobody else any (enterprises and districts never learn who reviews)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Assignment.objects.none()
    if actor.role == Role.EXPERT:
        return Assignment.objects.visible_to(actor)
    if actor.role in MUNICIPAL_ROLES:
        return Assignment.objects.all()
    return Assignment.objects.none()


def expert_assignment_list(*, actor: Any, status: str | None = None) -> QuerySet[Assignment]:
    """The expert's own assignments, newest first, with what the list shows (one query)."""
    qs = (
        assignment_scope(actor)
        .filter(expert__user=actor)
        .select_related(
            "panel",
            "panel__call",
            "application",
            "application__enterprise",
            "application__district",
            "application__direction",
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-drawn_at", "-pk")


def assignment_get(*, actor: Any, pk: int) -> Assignment:
    """One assignment in the actor's scope (Http404 otherwise: its existence is not revealed)."""
    assignment = (
        assignment_scope(actor)
        .select_related(
            "panel",
            "panel__call",
            "expert",
            "expert__user",
            "application",
            "application__enterprise",
            "application__district",
            "application__direction",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404(_("未找到该评审任务。"))
    return assignment


def scores_visible(actor: Any, assignment: Assignment) -> bool:
    """Whether the actor may read this assignment's scores: the expert its own, always; after the
    panel closes, the commission's officers and heads, and the other experts who scored the same
    application. Before the close nobody else — not even the officers — sees a score."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.role == Role.EXPERT and assignment.expert.user_id == actor.pk:
        return True
    if assignment.panel.status != PanelStatus.CLOSED:
        return False
    if actor.role in PANEL_READERS:
        return True
    return (
        actor.role == Role.EXPERT
        and Assignment.objects.filter(
            application_id=assignment.application_id, expert__user=actor, status=AssignmentStatus.SCORED
        ).exists()
    )


def assignment_scores(*, actor: Any, assignment: Assignment) -> list[Score] | None:
    """The criterion scores of an assignment if the actor may read them (see :func:`scores_visible`),
    else None."""
    if not scores_visible(actor, assignment):
        return None
    return list(assignment.scores.select_related("criterion").order_by("criterion__sort_order"))


def panel_results_for_expert(*, actor: Any, assignment: Assignment) -> list[Assignment] | None:
    """After the panel closes, the scored assignments of the expert's application (the expert sees
    the panel's results, each expert anonymous); None before the close."""
    if assignment.panel.status != PanelStatus.CLOSED or not scores_visible(actor, assignment):
        return None
    return list(
        Assignment.objects.filter(
            application_id=assignment.application_id, status=AssignmentStatus.SCORED
        ).order_by("draw_round", "draw_position")
    )


# --- Panel reads ------------------------------------------------------------------------------
@dataclass
class PanelRow:
    """One application of the panel with its experts (in draw order) and its progress."""

    application: Application
    assignments: list[Assignment]
    needed: int
    active: int
    scored: int
    from_whole_pool: bool

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.active)

    @property
    def complete(self) -> bool:
        return self.active > 0 and self.active == self.scored


@dataclass
class PanelOverview:
    call: Call
    panel: Panel | None
    rows: list[PanelRow]
    total: int
    counts: dict[str, int]
    #: scores (totals, final scores, spread flags) may be shown: the panel is closed
    scores_visible: bool


def panel_get(*, actor: Any, call: Call) -> Panel | None:
    require(can_read_panel(actor), "review.panel.read")
    return Panel.objects.filter(call=call).select_related("drawn_by").first()


def panel_applications(call: Call, panel: Panel | None) -> QuerySet[Application]:
    """The applications of the call's panel: in expert review now, or with experts drawn."""
    condition = Q(status=ApplicationStatus.EXPERT_REVIEW)
    if panel is not None:
        condition |= Q(pk__in=Assignment.objects.filter(panel=panel).values("application_id"))
    return Application.objects.filter(call=call).filter(condition)


def panel_overview(*, actor: Any, call: Call, offset: int = 0, limit: int | None = 50) -> PanelOverview:
    """The officer's view of a call's panel: counts by status, and a page of applications with
    their experts, in a constant number of queries whatever the page size. Scores are shown only
    once the panel is closed."""
    panel = panel_get(actor=actor, call=call)
    applications = panel_applications(call, panel)
    counts = {status: 0 for status in AssignmentStatus.values}
    if panel is not None:
        for status, count in (
            Assignment.objects.filter(panel=panel).values_list("status").annotate(n=Count("id")).order_by()
        ):
            counts[status] = count
    page = applications.select_related("enterprise", "decision").order_by("reference_number", "pk")
    page = page[offset : offset + limit] if limit is not None else page[offset:]
    if panel is not None:
        page = page.prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=Assignment.objects.filter(panel=panel)
                .select_related("expert", "expert__user", "expert__user__organisation")
                .order_by("draw_round", "draw_position"),
                to_attr="panel_assignments",
            )
        )
    page_list = list(page)
    whole = set()
    if panel is not None and page_list:
        whole = set(
            DrawRecord.objects.filter(
                panel=panel, from_whole_pool=True, application_id__in=[a.pk for a in page_list]
            ).values_list("application_id", flat=True)
        )
    needed = panel.experts_per_application if panel is not None else 0
    rows = []
    for application in page_list:
        assignments = getattr(application, "panel_assignments", [])
        active = [a for a in assignments if a.status in ACTIVE_STATUSES]
        rows.append(
            PanelRow(
                application=application,
                assignments=assignments,
                needed=needed,
                active=len(active),
                scored=sum(1 for a in active if a.status == AssignmentStatus.SCORED),
                from_whole_pool=application.pk in whole,
            )
        )
    closed = panel is not None and panel.status == PanelStatus.CLOSED
    return PanelOverview(call, panel, rows, applications.count(), counts, closed)


# --- To-do counts on the home page ------------------------------------------------------------------
def expert_todo(user: Any) -> Todo | None:
    """The expert's assignments waiting for it (to declare, to score) in panels still open."""
    count = (
        assignment_scope(user)
        .filter(expert__user=user, status__in=PENDING_STATUSES, panel__status=PanelStatus.OPEN)
        .count()
    )
    if not count:
        return None
    return Todo(
        key="expert_assignments",
        label=_("待办理的评审任务"),
        count=count,
        url=_url("review:expert_assignments"),
    )


def panel_officer_todo(user: Any) -> Todo | None:
    """Applications in expert review that still lack experts (to draw)."""
    missing = (
        Application.objects.filter(status=ApplicationStatus.EXPERT_REVIEW)
        .exclude(expert_assignments__status__in=ACTIVE_STATUSES)
        .count()
    )
    if not missing:
        return None
    return Todo(
        key="panel_draw", label=_("待抽取评审专家的申报"), count=missing, url=_url("review:panel_index")
    )


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
