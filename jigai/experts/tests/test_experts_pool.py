"""The pool (kept by the commission's officer) and the rubric of a call (services)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import municipal_user, published_catalog, user_for_role
from jigai.experts.models import ExpertConflict, RubricCriterion
from jigai.experts.selectors import expert_profile_list
from jigai.experts.services import (
    CriterionSpec,
    expert_conflict_declare,
    expert_conflict_withdraw,
    expert_profile_upsert,
    rubric_criteria,
    rubric_update,
)
from jigai.experts.tests.experts_fixtures import expert, expert_user, institution, officer, review_call

pytestmark = pytest.mark.django_db


def test_the_officer_puts_an_expert_in_the_pool_and_changes_it():
    published_catalog()
    user = expert_user(organisation=institution("同济大学"))
    profile = expert_profile_upsert(
        actor=officer(),
        user=user,
        title="教授",
        specialty="数控机床",
        direction_codes=["1.1", "2"],
        industry_codes=["34", "c"],
    )
    assert sorted(profile.directions.values_list("code", flat=True)) == ["1.1", "2"]
    assert sorted(profile.industries.values_list("code", flat=True)) == ["34", "C"]
    created = AuditEvent.objects.get(action="review.expert.create")
    assert created.changes["directions"] == {"before": None, "after": ["1.1", "2"]}
    expert_profile_upsert(actor=officer(), user=user, title="教授", specialty="数控机床", is_active=False)
    profile.refresh_from_db()
    assert not profile.is_active and not profile.directions.exists()
    updated = AuditEvent.objects.get(action="review.expert.update")
    assert updated.changes["is_active"] == {"before": True, "after": False}
    assert list(expert_profile_list(actor=officer(), q="同济")) == [profile]
    assert list(expert_profile_list(actor=municipal_user(Role.MUNICIPAL_HEAD))) == [profile]
    assert not expert_profile_list(actor=user).exists()


def test_the_pool_takes_only_expert_accounts_and_known_codes():
    published_catalog()
    enterprise_user = user_for_role(Role.ENTERPRISE)
    with pytest.raises(ValidationError) as refused:
        expert_profile_upsert(
            actor=officer(), user=enterprise_user, direction_codes=["9.9"], industry_codes=["99"]
        )
    assert refused.value.message_dict == {
        "user": [f"只有角色为“评审专家”的账户可以纳入专家库（{enterprise_user.username} 是企业申报用户）。"],
        "direction_codes": ["现行支持目录中没有编号为“9.9”的条目。"],
        "industry_codes": ["没有行业代码“99”（国民经济行业分类门类或大类）。"],
    }
    with pytest.raises(PermissionRefused) as denied:
        expert_profile_upsert(actor=municipal_user(Role.MUNICIPAL_HEAD), user=enterprise_user)
    assert denied.value.reason == "只有市经信委经办人可以管理评审专家库。"


def test_an_expert_declares_and_withdraws_its_own_conflicts():
    me = expert()
    other = institution("上海某装备集团")
    conflict = expert_conflict_declare(actor=me.user, organisation=other, reason="曾任技术顾问")
    assert conflict.reason == "曾任技术顾问" and list(me.declared_conflicts.all()) == [other]
    assert AuditEvent.objects.filter(action="review.expert.conflict_declare").exists()
    with pytest.raises(ValidationError) as refused:
        expert_conflict_declare(actor=me.user, organisation=institution(), reason=" ")
    assert refused.value.message_dict == {"reason": ["请说明与该单位的关联情况。"]}
    with pytest.raises(PermissionRefused):
        expert_conflict_declare(actor=officer(), organisation=other, reason="x")
    expert_conflict_withdraw(actor=me.user, organisation=other)
    assert not ExpertConflict.objects.exists()
    assert AuditEvent.objects.filter(action="review.expert.conflict_withdraw").exists()


def test_an_expert_outside_the_pool_is_told_so():
    outsider = expert_user()
    with pytest.raises(ValidationError) as refused:
        expert_conflict_declare(actor=outsider, organisation=institution(), reason="x")
    assert refused.value.messages == ["您尚未纳入评审专家库，请联系市经信委。"]


def test_the_default_rubric_and_its_rules():
    call = review_call()
    defaults = rubric_criteria(call)
    assert [(c.name, c.weight, c.max_score) for c in defaults] == [
        ("技术先进性", Decimal("30"), Decimal("100")),
        ("经济效益", Decimal("25"), Decimal("100")),
        ("实施能力", Decimal("20"), Decimal("100")),
        ("投资合理性", Decimal("15"), Decimal("100")),
        ("符合支持目录", Decimal("10"), Decimal("100")),
    ]
    assert not RubricCriterion.objects.exists()  # shown, not saved
    with pytest.raises(ValidationError) as refused:
        rubric_update(
            actor=officer(),
            call=call,
            criteria=[
                CriterionSpec("Tech", "技术", Decimal("50")),
                CriterionSpec("econ", "", Decimal("0"), Decimal("0")),
            ],
        )
    assert refused.value.message_dict == {
        "criteria.0.code": ["代码须以小写字母开头，只含小写字母、数字和下划线，最长 30 个字符。"],
        "criteria.1.name": ["请填写评分项名称（不超过 60 个字）。"],
        "criteria.1.weight": ["权重须大于 0、不超过 100，最多两位小数。"],
        "criteria.1.max_score": ["满分须大于 0、不超过 1000，最多两位小数。"],
    }
    saved = rubric_update(
        actor=officer(),
        call=call,
        criteria=[
            CriterionSpec("tech", "技术", Decimal("62.5")),
            CriterionSpec("econ", "经济", "37.5", "50"),
        ],
    )
    assert [(c.code, c.weight, c.max_score, c.sort_order) for c in saved] == [
        ("tech", Decimal("62.50"), Decimal("100.00"), 1),
        ("econ", Decimal("37.50"), Decimal("50.00"), 2),
    ]
    event = AuditEvent.objects.get(action="review.rubric.update")
    assert event.changes["rubric"]["after"] == [
        ["tech", "技术", "62.50", "100.00"],
        ["econ", "经济", "37.50", "50.00"],
    ]
