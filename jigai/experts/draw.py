"""Drawing the experts of a call's panel at random, reproducibly, without conflicts of interest.

The rule (issue 4, experts), for each application of the call in expert review that lacks experts:

1. **Candidates** — the active experts (active profile, active account) who know the application's
   catalog direction (or its field) or the enterprise's industry (division or section): the
   *matching pool*. When it holds fewer experts than are needed, the whole active pool is used,
   and the draw record says so (``from_whole_pool``).
2. **Conflicts** are never candidates: an expert employed by the applicant, or by an organisation
   related to it (``Organisation.related_organisations``, either way), or who declared a conflict
   with the applicant or with an organisation related to it. Nor is anyone drawn before for the
   same application (in any round, recused or replaced included).
3. **The draw** — the candidates sorted by expert id, then
   ``random.Random(f"{seed}:{application_id}:{round}").sample(candidates, k)``. The seed is the
   panel's (generated with :mod:`secrets` unless the officer gives one), the round counts the
   draws for that application (1 for the first, then one more for each replacement). Every round
   is kept as a :class:`~jigai.experts.models.DrawRecord` with its candidates, so
   :func:`expert_panel_verify` can re-run each draw and confirm the same experts came out.

The pool, the relations and the declared conflicts are read in a handful of queries whatever the
number of applications, and the assignments written with ``bulk_create`` (bench/experts.py: 2,000
applications × 5 from a pool of 1,000).
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.models import Organisation
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.audit.services import audit_record
from jigai.calls.models import Call
from jigai.core.permissions import require
from jigai.core.text import join_messages
from jigai.experts.checks import ACTIVE_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import Assignment, DrawRecord, ExpertConflict, ExpertProfile, Panel
from jigai.experts.permissions import can_manage_panel
from jigai.experts.services import rubric_ensure
from jigai.notifications.services import notify

MAX_EXPERTS_PER_APPLICATION = 15
BATCH_SIZE = 2000


# --- The pool and the applicants, read in a few queries -----------------------------------------
@dataclass
class Pool:
    """The active experts and what the draw needs to know about them."""

    ids: list[int]  # ascending
    by_direction: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_industry: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_employer: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    declared: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def load_pool() -> Pool:
    """Four queries: the active experts with their employers, their directions (by catalog code,
    so an expert's knowledge carries over to the next year's catalog), their industries, and the
    conflicts they declared."""
    experts = dict(
        ExpertProfile.objects.filter(is_active=True, user__is_active=True).values_list(
            "pk", "user__organisation_id"
        )
    )
    pool = Pool(ids=sorted(experts))
    for expert_id, employer in experts.items():
        if employer is not None:
            pool.by_employer[employer].add(expert_id)
    directions = ExpertProfile.directions.through.objects.values_list("expertprofile_id", "catalogitem__code")
    for expert_id, code in directions:
        if expert_id in experts:
            pool.by_direction[code].add(expert_id)
    industries = ExpertProfile.industries.through.objects.values_list("expertprofile_id", "industry_id")
    for expert_id, code in industries:
        if expert_id in experts:
            pool.by_industry[code].add(expert_id)
    for expert_id, organisation_id in ExpertConflict.objects.values_list("expert_id", "organisation_id"):
        if expert_id in experts:
            pool.declared[organisation_id].add(expert_id)
    return pool


@dataclass(frozen=True)
class Applicant:
    """One application as the draw sees it: the applicant organisation and those related to it,
    the catalog codes of its direction and field, the enterprise's industry division and section."""

    application_id: int
    organisations: frozenset[int]
    codes: tuple[str, ...]
    industries: tuple[str, ...]


def load_applicants(applications: QuerySet[Application]) -> dict[int, Applicant]:
    """Two queries: the applications with their codes, and the relations of their applicants."""
    rows = list(
        applications.values_list(
            "pk",
            "enterprise__organisation_id",
            "direction__code",
            "direction__parent__code",
            "enterprise__industry_id",
            "enterprise__industry__parent_id",
        )
    )
    applicant_orgs = applications.values("enterprise__organisation_id")
    through = Organisation.related_organisations.through
    related: dict[int, set[int]] = defaultdict(set)
    pairs = through.objects.filter(
        Q(from_organisation_id__in=applicant_orgs) | Q(to_organisation_id__in=applicant_orgs)
    ).values_list("from_organisation_id", "to_organisation_id")
    for a, b in pairs:  # symmetrical, but a relation written one way only still counts
        related[a].add(b)
        related[b].add(a)
    return {
        pk: Applicant(
            application_id=pk,
            organisations=frozenset({org, *related.get(org, ())}),
            codes=tuple(c for c in (direction, field_code) if c),
            industries=tuple(c for c in (industry, section) if c),
        )
        for pk, org, direction, field_code, industry, section in rows
    }


def conflicted(pool: Pool, applicant: Applicant) -> set[int]:
    """Experts employed by the applicant or an organisation related to it, or who declared a
    conflict with any of them."""
    out: set[int] = set()
    for organisation_id in applicant.organisations:
        out |= pool.by_employer.get(organisation_id, set())
        out |= pool.declared.get(organisation_id, set())
    return out


def candidates_for(
    pool: Pool, applicant: Applicant, *, exclude: Iterable[int], needed: int
) -> tuple[list[int], bool]:
    """The candidates (ascending ids) and whether they are the whole pool because fewer than
    ``needed`` matching experts are free of conflicts."""
    blocked = conflicted(pool, applicant) | set(exclude)
    matching: set[int] = set()
    for code in applicant.codes:
        matching |= pool.by_direction.get(code, set())
    for code in applicant.industries:
        matching |= pool.by_industry.get(code, set())
    matched = sorted(matching - blocked)
    if len(matched) >= needed:
        return matched, False
    return [e for e in pool.ids if e not in blocked], True


def draw(seed: str, application_id: int, draw_round: int, candidates: Sequence[int], k: int) -> list[int]:
    """The reproducible draw: ``k`` of the (ascending) candidates, in the order drawn."""
    # Not for secrecy: reproducibility from the published seed is the point.
    rng = random.Random(f"{seed}:{application_id}:{draw_round}")  # noqa: S311
    return rng.sample(list(candidates), k)


def _ids_text(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def _ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",") if i]


# --- Drawing for many applications -----------------------------------------------------------------
@dataclass
class _Plan:
    assignments: list[Assignment] = field(default_factory=list)
    records: list[DrawRecord] = field(default_factory=list)
    short: list[_Short] = field(default_factory=list)
    whole_pool: int = 0


@dataclass(frozen=True)
class _Short:
    """An application for which too few experts are left."""

    application_id: int
    needed: int
    draw_round: int
    candidates: list[int]


def _existing(application_ids: Iterable[int] | QuerySet[Any]) -> dict[int, list[tuple[int, str, int, int]]]:
    """(expert, status, round, position) of every assignment of the applications, by application."""
    out: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    rows = Assignment.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "expert_id", "status", "draw_round", "draw_position"
    )
    for application_id, expert_id, status, draw_round, position in rows:
        out[application_id].append((expert_id, status, draw_round, position))
    return out


def _plan(
    *, panel: Panel, seed: str, applications: QuerySet[Application], per_application: int, now: datetime
) -> _Plan:
    plan = _Plan()
    existing = _existing(applications.values("pk"))
    needs: dict[int, int] = {}
    for application_id in applications.values_list("pk", flat=True):
        rows = existing.get(application_id, [])
        need = per_application - sum(1 for r in rows if r[1] in ACTIVE_STATUSES)
        if need > 0:
            needs[application_id] = need
    if not needs:
        return plan
    pool = load_pool()
    applicants = load_applicants(applications)
    for application_id in sorted(needs):
        need = needs[application_id]
        rows = existing.get(application_id, [])
        draw_round = max((r[2] for r in rows), default=0) + 1
        position = max((r[3] for r in rows), default=0)
        candidates, whole = candidates_for(
            pool, applicants[application_id], exclude=(r[0] for r in rows), needed=need
        )
        if len(candidates) < need:
            plan.short.append(_Short(application_id, need, draw_round, candidates))
            continue
        chosen = draw(seed, application_id, draw_round, candidates, need)
        plan.whole_pool += whole
        plan.records.append(
            DrawRecord(
                panel=panel,
                application_id=application_id,
                draw_round=draw_round,
                candidate_ids=_ids_text(candidates),
                candidate_count=len(candidates),
                drawn_ids=_ids_text(chosen),
                from_whole_pool=whole,
                drawn_at=now,
            )
        )
        plan.assignments.extend(
            Assignment(
                panel=panel,
                application_id=application_id,
                expert_id=expert_id,
                status=AssignmentStatus.DRAWN,
                draw_round=draw_round,
                draw_position=position + n,
                drawn_at=now,
            )
            for n, expert_id in enumerate(chosen, start=1)
        )
    return plan


def _short_message(short: list[_Short], pool_size: int) -> str:
    shown = short[:5]
    names = {
        a.pk: a
        for a in Application.objects.filter(pk__in=[s.application_id for s in shown]).only(
            "pk", "name", "reference_number"
        )
    }
    lines = [
        _("“%(name)s”（%(ref)s）需要 %(need)d 名，可用 %(available)d 名")
        % {
            "name": names[s.application_id].name or s.application_id,
            "ref": names[s.application_id].reference_number or s.application_id,
            "need": s.needed,
            "available": len(s.candidates),
        }
        for s in shown
    ]
    more = _("等共 %(n)d 个申报") % {"n": len(short)} if len(short) > 5 else ""
    return _(
        "可抽取的专家不足：专家库在册可抽取 %(pool)d 名，排除利益冲突和已抽取过的专家后，%(lines)s%(more)s。"
        "请先扩充专家库或减少每个项目的专家人数。"
    ) % {"pool": pool_size, "lines": join_messages(lines), "more": more}


def assignments_url() -> str:
    try:
        return reverse("review:expert_assignments")
    except NoReverseMatch:
        return "/review/expert/"


def _notify_drawn(assignments: Sequence[Assignment], call: Call, deadline: datetime | None) -> None:
    per_expert: dict[int, int] = defaultdict(int)
    for assignment in assignments:
        per_expert[assignment.expert_id] += 1
    profiles = ExpertProfile.objects.filter(pk__in=list(per_expert)).select_related("user")
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else ""
    by_count: dict[int, list[Any]] = defaultdict(list)
    for profile in profiles:
        by_count[per_expert[profile.pk]].append(profile.user)
    for count, users in by_count.items():
        notify(
            users=users,
            verb=_("专家评审任务"),
            message=_(
                "您被抽取为“%(call)s”的评审专家，共 %(n)d 个申报项目。"
                "请在查看申报材料前声明是否存在利益冲突，并于 %(when)s 前完成评分。"
            )
            % {"call": call.title, "n": count, "when": when},
            url=assignments_url(),
        )


@dataclass(frozen=True)
class DrawSummary:
    panel: Panel
    seed: str
    applications: int
    assignments: int
    from_whole_pool: int


def _clean_draw_input(
    experts_per_application: int, deadline: datetime | None, seed: str, spread_threshold: Any, now: datetime
) -> Decimal | None:
    errors: dict[str, str] = {}
    if not 1 <= experts_per_application <= MAX_EXPERTS_PER_APPLICATION:
        errors["experts_per_application"] = _("每个项目的专家人数须在 1 至 %(n)d 之间。") % {
            "n": MAX_EXPERTS_PER_APPLICATION
        }
    if deadline is None:
        errors["deadline"] = _("请填写评分截止时间。")
    elif timezone.is_naive(deadline) or deadline <= now:
        errors["deadline"] = _("评分截止时间须晚于现在。")
    if len(seed) > 64 or not seed.isprintable():
        errors["seed"] = _("随机种子最长 64 个字符，且不能含控制字符。")
    threshold: Decimal | None = None
    if spread_threshold not in (None, ""):
        try:
            threshold = Decimal(str(spread_threshold))
        except (InvalidOperation, ValueError):
            threshold = None
        if threshold is None or not threshold.is_finite() or not Decimal("0") < threshold <= Decimal("100"):
            errors["spread_threshold"] = _("分差预警阈值须大于 0、不超过 100。")
    if errors:
        raise ValidationError(errors)
    return threshold


def expert_panel_draw(
    *,
    actor: Any,
    call: Call,
    experts_per_application: int,
    deadline: datetime | None,
    seed: str | None = None,
    spread_threshold: Any = None,
) -> DrawSummary:
    """Draw the experts of every application of ``call`` in expert review that lacks some (the
    commission's officer). The first draw creates the call's panel with its seed and the default
    rubric; a later draw (new applications, recusals without a replacement) keeps the seed and the
    number of experts per application. Refused as a whole, with the numbers, when any application
    cannot get enough experts free of conflicts. Assigned experts are notified."""
    require(can_manage_panel(actor), "review.panel.draw")
    now = timezone.now()
    seed = (seed or "").strip()
    threshold = _clean_draw_input(experts_per_application, deadline, seed, spread_threshold, now)
    with transaction.atomic():
        # The call's row first: two officers drawing at once queue here instead of both creating
        # the panel.
        Call.objects.select_for_update().filter(pk=call.pk).first()
        Panel.objects.get_or_create(call=call)
        panel = Panel.objects.select_for_update().get(call=call)
        if panel.status == PanelStatus.CLOSED:
            raise ValidationError(_("本通知的专家评审已结束，不能再抽取专家。"))
        drawn_before = panel.assignments.exists()
        if drawn_before and experts_per_application != panel.experts_per_application:
            raise ValidationError(
                {
                    "experts_per_application": _("本次评审已按每个项目 %(n)d 名专家抽取，不能改变人数。")
                    % {"n": panel.experts_per_application}
                }
            )
        if panel.seed and seed and seed != panel.seed:
            raise ValidationError(
                {"seed": _("本次评审已用随机种子 %(s)s 抽取，补充抽取沿用同一种子。") % {"s": panel.seed}}
            )
        before = {
            "seed": panel.seed,
            "experts_per_application": panel.experts_per_application if drawn_before else None,
            "deadline": panel.deadline,
            "spread_threshold": panel.spread_threshold,
        }
        seed = panel.seed or seed or secrets.token_hex(16)
        applications = Application.objects.filter(call=call, status=ApplicationStatus.EXPERT_REVIEW)
        if not applications.exists():
            raise ValidationError(_("本通知没有处于专家评审阶段的申报。"))
        plan = _plan(
            panel=panel,
            seed=seed,
            applications=applications,
            per_application=experts_per_application,
            now=now,
        )
        if plan.short:
            pool_size = ExpertProfile.objects.filter(is_active=True, user__is_active=True).count()
            raise ValidationError(_short_message(plan.short, pool_size))
        if not plan.assignments:
            raise ValidationError(_("本通知处于专家评审阶段的申报都已抽满专家，无需抽取。"))
        Assignment.objects.bulk_create(plan.assignments, batch_size=BATCH_SIZE)
        DrawRecord.objects.bulk_create(plan.records, batch_size=BATCH_SIZE)
        panel.seed = seed
        panel.experts_per_application = experts_per_application
        panel.deadline = deadline
        if threshold is not None:
            panel.spread_threshold = threshold
        panel.drawn_by = actor
        panel.drawn_at = now
        panel.save()
        rubric_ensure(call)
        after = {
            "seed": panel.seed,
            "experts_per_application": panel.experts_per_application,
            "deadline": panel.deadline,
            "spread_threshold": panel.spread_threshold,
        }
        audit_record(
            actor=actor,
            action="review.panel.draw",
            obj=panel,
            changes={
                **{k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v},
                "assignments": {"before": None, "after": len(plan.assignments)},
            },
            message=_(
                "为 %(apps)d 个申报抽取 %(n)d 名次专家（随机种子 %(seed)s；"
                "其中 %(whole)d 个申报匹配专家不足，从全库抽取）。"
            )
            % {
                "apps": len(plan.records),
                "n": len(plan.assignments),
                "seed": seed,
                "whole": plan.whole_pool,
            },
        )
        _notify_drawn(plan.assignments, call, deadline)
    return DrawSummary(panel, seed, len(plan.records), len(plan.assignments), plan.whole_pool)


def draw_replacement(*, panel: Panel, application: Application, now: datetime) -> list[Assignment]:
    """Draw, in the next round, the experts the application now lacks (after a recusal or a
    replacement), inside the caller's transaction with the panel row locked. Returns the new
    assignments; none when no candidate is left (the officer then draws again after widening the
    pool). Either way the round is recorded."""
    plan = _plan(
        panel=panel,
        seed=panel.seed,
        applications=Application.objects.filter(pk=application.pk),
        per_application=panel.experts_per_application,
        now=now,
    )
    if plan.short:
        short = plan.short[0]
        DrawRecord.objects.create(
            panel=panel,
            application=application,
            draw_round=short.draw_round,
            candidate_ids=_ids_text(short.candidates),
            candidate_count=len(short.candidates),
            drawn_ids="",
            from_whole_pool=True,
            drawn_at=now,
        )
        return []
    created = Assignment.objects.bulk_create(plan.assignments)
    DrawRecord.objects.bulk_create(plan.records)
    if created and created[0].pk is None:  # a backend that does not return ids
        created = list(
            Assignment.objects.filter(
                application=application, draw_round=plan.records[0].draw_round
            ).order_by("draw_position")
        )
    _notify_drawn(created, panel.call, panel.deadline)
    return created
