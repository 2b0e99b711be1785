"""Drawing the panel: matching pool, conflicts of interest, reproducibility, refusals."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import municipal_user
from jigai.experts.choices import AssignmentStatus
from jigai.experts.draw import expert_panel_draw
from jigai.experts.models import Assignment, DrawRecord, Panel, RubricCriterion
from jigai.experts.tests.experts_fixtures import (
    deadline,
    declare_conflict,
    enterprise,
    expert,
    in_expert_review,
    institution,
    officer,
    pool,
    relate,
    review_call,
)
from jigai.experts.verify import expert_panel_verify
from jigai.notifications.models import Notification

pytestmark = pytest.mark.django_db


def drawn_experts(application) -> set[int]:
    return set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))


def test_draws_from_the_matching_pool_and_records_the_seed(django_capture_on_commit_callbacks, mailoutbox):
    call = review_call()
    application = in_expert_review(call, direction="1.1")
    knows = pool(6, directions=("1.1",), email="")
    others = pool(6, directions=("2.1",))
    for profile in knows[:3]:
        profile.user.email = f"{profile.user.username}@example.cn"
        profile.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        summary = expert_panel_draw(
            actor=officer(), call=call, experts_per_application=5, deadline=deadline()
        )
    drawn = drawn_experts(application)
    assert len(drawn) == 5
    assert drawn <= {p.pk for p in knows}
    assert not drawn & {p.pk for p in others}
    panel = Panel.objects.get(call=call)
    assert panel.seed == summary.seed and len(panel.seed) == 32
    assert panel.experts_per_application == 5 and panel.drawn_by == officer()
    record = DrawRecord.objects.get(application=application)
    assert record.draw_round == 1 and not record.from_whole_pool
    assert record.candidate_count == 6
    assert [a.draw_position for a in Assignment.objects.filter(application=application)] == [1, 2, 3, 4, 5]
    assert set(Assignment.objects.values_list("status", flat=True)) == {AssignmentStatus.DRAWN}
    # the default rubric is saved with the first draw
    assert list(RubricCriterion.objects.filter(call=call).values_list("name", "weight")) == [
        ("技术先进性", 30),
        ("经济效益", 25),
        ("实施能力", 20),
        ("投资合理性", 15),
        ("符合支持目录", 10),
    ]
    event = AuditEvent.objects.get(action="review.panel.draw")
    assert summary.seed in event.message and event.changes["assignments"]["after"] == 5
    # each drawn expert is told, in the app and (with an address) by e-mail after the commit
    assert Notification.objects.filter(user__expert_profile__in=drawn).count() == 5
    drawn_with_mail = [p for p in knows[:3] if p.pk in drawn]
    assert len(drawn_with_mail) >= 2 and len(mailoutbox) == len(drawn_with_mail)
    assert "声明是否存在利益冲突" in mailoutbox[0].body


def test_falls_back_to_the_whole_pool_when_too_few_match_and_says_so():
    call = review_call()
    application = in_expert_review(call, direction="1.2")
    pool(3, directions=("1.2",))
    pool(4, directions=("2.1",))
    summary = expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert summary.from_whole_pool == 1
    record = DrawRecord.objects.get(application=application)
    assert record.from_whole_pool and record.candidate_count == 7
    assert len(drawn_experts(application)) == 5


def test_industry_of_the_enterprise_matches_too():
    call = review_call()
    application = in_expert_review(call, applicant=enterprise(), direction="2.1")  # enterprise in 34
    by_industry = pool(5, directions=(), industries=("34",))
    pool(5, directions=("1.1",))
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert drawn_experts(application) == {p.pk for p in by_industry}


def test_an_expert_employed_by_the_applicant_is_never_drawn():
    call = review_call()
    applicants = [enterprise() for _ in range(8)]
    applications = [in_expert_review(call, applicant=a) for a in applicants]
    insiders = [expert(employer=a.organisation) for a in applicants]
    pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    for application, insider in zip(applications, insiders, strict=True):
        assert insider.pk not in drawn_experts(application)
    # …but they are drawn for the other applicants (they are not excluded from the pool as such)
    assert Assignment.objects.filter(expert__in=insiders).exists()


def test_an_expert_employed_by_a_related_organisation_is_never_drawn():
    call = review_call()
    applicant = enterprise()
    parent, subsidiary = institution("某控股集团"), institution("某子公司")
    relate(parent, applicant.organisation)  # stored both ways by the symmetrical relation
    relate(applicant.organisation, subsidiary)
    application = in_expert_review(call, applicant=applicant)
    at_parent = expert(employer=parent)
    at_subsidiary = expert(employer=subsidiary)
    free = pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert drawn_experts(application) == {p.pk for p in free}
    assert not drawn_experts(application) & {at_parent.pk, at_subsidiary.pk}


def test_a_relation_written_one_way_only_still_excludes():
    from jigai.accounts.models import Organisation

    call = review_call()
    applicant = enterprise()
    related = institution()
    through = Organisation.related_organisations.through
    through.objects.create(from_organisation_id=related.pk, to_organisation_id=applicant.organisation_id)
    application = in_expert_review(call, applicant=applicant)
    inside = expert(employer=related)
    pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert inside.pk not in drawn_experts(application)


def test_declared_conflicts_are_respected():
    call = review_call()
    applicant = enterprise()
    group = institution("某集团")
    relate(group, applicant.organisation)
    application = in_expert_review(call, applicant=applicant)
    with_applicant, with_group = expert(), expert()
    declare_conflict(with_applicant, applicant.organisation)
    declare_conflict(with_group, group)
    free = pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert drawn_experts(application) == {p.pk for p in free}


def test_inactive_experts_and_inactive_accounts_are_not_drawn():
    call = review_call()
    application = in_expert_review(call)
    expert(active=False)
    closed_account = expert()
    closed_account.user.is_active = False
    closed_account.user.save()
    free = pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert drawn_experts(application) == {p.pk for p in free}


def test_refused_with_numbers_when_too_few_experts_are_free_and_nothing_is_written():
    call = review_call()
    applicant = enterprise()
    application = in_expert_review(call, applicant=applicant, name="高端装备项目")
    pool(4)
    expert(employer=applicant.organisation)
    with pytest.raises(ValidationError) as refused:
        expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    message = refused.value.messages[0]
    assert "可抽取的专家不足" in message
    assert "专家库在册可抽取 5 名" in message
    assert f"“高端装备项目”（{application.reference_number}）需要 5 名，可用 4 名" in message
    assert not Panel.objects.exists() and not Assignment.objects.exists()


def test_the_draw_is_reproducible_from_the_seed_and_verified():
    call = review_call()
    applications = [in_expert_review(call) for _ in range(3)]
    experts = pool(9)
    ids = sorted(p.pk for p in experts)
    expert_panel_draw(
        actor=officer(), call=call, experts_per_application=5, deadline=deadline(), seed="2026-春季评审"
    )
    for application in applications:
        expected = random.Random(f"2026-春季评审:{application.pk}:1").sample(ids, 5)
        got = list(
            Assignment.objects.filter(application=application)
            .order_by("draw_position")
            .values_list("expert_id", flat=True)
        )
        assert got == expected
    panel = Panel.objects.get(call=call)
    report = expert_panel_verify(actor=officer(), panel=panel)
    assert report.reproduced and report.rounds == 3 and report.assignments == 15
    assert AuditEvent.objects.filter(action="review.panel.verify", outcome="success").exists()

    # tampering with an assignment is found
    first = Assignment.objects.filter(application=applications[0]).order_by("draw_position").first()
    assert first is not None
    unused = next(e for e in ids if e not in drawn_experts(applications[0]))
    Assignment.objects.filter(pk=first.pk).update(expert_id=unused)
    report = expert_panel_verify(actor=officer(), panel=panel)
    assert not report.reproduced
    assert report.problems[0].application_id == applications[0].pk
    assert "实际任务为" in report.problems[0].message


def test_verify_lists_conflicts_found_after_the_draw():
    call = review_call()
    applicant = enterprise()
    application = in_expert_review(call, applicant=applicant)
    experts = pool(5)
    panel = expert_panel_draw(
        actor=officer(), call=call, experts_per_application=5, deadline=deadline()
    ).panel
    declare_conflict(experts[0], applicant.organisation)
    report = expert_panel_verify(actor=officer(), panel=panel)
    assert report.reproduced
    assert report.later_conflicts == [(application.pk, experts[0].pk)]


def test_a_second_draw_fills_new_applications_with_the_same_seed():
    call = review_call()
    first = in_expert_review(call)
    pool(8)
    summary = expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    second = in_expert_review(call)
    again = expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert again.seed == summary.seed and again.applications == 1 and again.assignments == 5
    assert len(drawn_experts(first)) == 5 and len(drawn_experts(second)) == 5
    with pytest.raises(ValidationError) as refused:
        expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert "都已抽满专家" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        expert_panel_draw(actor=officer(), call=call, experts_per_application=3, deadline=deadline())
    assert refused.value.message_dict["experts_per_application"] == [
        "本次评审已按每个项目 5 名专家抽取，不能改变人数。"
    ]
    with pytest.raises(ValidationError) as refused:
        expert_panel_draw(
            actor=officer(), call=call, experts_per_application=5, deadline=deadline(), seed="another"
        )
    assert "沿用同一种子" in refused.value.message_dict["seed"][0]


def test_only_applications_in_expert_review_get_experts():
    call = review_call()
    waiting = in_expert_review(call)
    earlier = in_expert_review(call)
    earlier.status = ApplicationStatus.MUNICIPAL_REVIEW
    earlier.save()
    pool(5)
    expert_panel_draw(actor=officer(), call=call, experts_per_application=5, deadline=deadline())
    assert len(drawn_experts(waiting)) == 5 and not drawn_experts(earlier)


def test_only_the_municipal_officer_draws_and_input_is_checked():
    call = review_call()
    in_expert_review(call)
    pool(5)
    with pytest.raises(PermissionRefused) as refused:
        expert_panel_draw(
            actor=municipal_user(Role.MUNICIPAL_HEAD),
            call=call,
            experts_per_application=5,
            deadline=deadline(),
        )
    assert refused.value.reason == "只有市经信委经办人可以组织专家评审。"
    with pytest.raises(ValidationError) as invalid:
        expert_panel_draw(actor=officer(), call=call, experts_per_application=0, deadline=deadline(-1))
    assert invalid.value.message_dict == {
        "experts_per_application": ["每个项目的专家人数须在 1 至 15 之间。"],
        "deadline": ["评分截止时间须晚于现在。"],
    }
    empty = review_call(title="没有申报的通知")
    with pytest.raises(ValidationError) as nothing:
        expert_panel_draw(actor=officer(), call=empty, experts_per_application=5, deadline=deadline())
    assert nothing.value.messages == ["本通知没有处于专家评审阶段的申报。"]
