"""Calls and their rules: drafting with the 2026 defaults, publishing checks, frozen rules and
revisions, cancelling."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.calls import defaults, services
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call, CallDistrictShare, CallRules
from jigai.calls.rules import InstalmentSpec, RulesChildren
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import (
    closed_call,
    draft_call,
    draft_catalog,
    municipal_user,
    open_call,
    published_catalog,
)
from jigai.reference.models import District

pytestmark = pytest.mark.django_db
SH = defaults.SHANGHAI


@pytest.fixture
def officer():
    return municipal_user(Role.MUNICIPAL_OFFICER)


@pytest.fixture
def head():
    return municipal_user(Role.MUNICIPAL_HEAD)


def create(officer, **overrides):
    values = {
        "catalog_version": published_catalog(),
        "title": defaults.CALL_2026_TITLE,
        "opens_at": datetime(2026, 1, 20, 0, 0),  # naive: Shanghai time
        "closes_at": datetime(2026, 2, 4, 16, 0),
        "district_forward_date": date(2026, 2, 6),
        **overrides,
    }
    return services.call_create(actor=officer, **values)


# --- Drafting -----------------------------------------------------------------------------------
def test_a_new_call_gets_rules_v1_with_the_2026_defaults(officer):
    call = create(officer)
    assert call.status == CallStatus.DRAFT
    assert call.opens_at == datetime(2026, 1, 20, 0, 0, tzinfo=SH)
    assert call.closes_at == datetime(2026, 2, 4, 16, 0, tzinfo=SH)
    assert call.year == 2026
    rules = call.rules
    assert rules.version == 1 and not rules.frozen
    assert rules.min_total_investment == Decimal("20000000.00")
    assert rules.min_fixed_asset_share == Decimal("0.6000")
    assert rules.support_rate == Decimal("0.1000")
    assert rules.cap_per_project == Decimal("100000000.00")
    assert [i.name for i in rules.investment_items.all()] == [n for _c, n, _f in defaults.INVESTMENT_ITEMS]
    assert rules.investment_items.filter(is_fixed_asset=True).count() == 4
    assert rules.prerequisites.count() == 6
    assert rules.attachment_requirements.get(code="feasibility").allowed_type_list == ["pdf"]
    assert [(i.sequence, i.trigger, i.percent) for i in rules.instalments.all()] == [
        (1, "approval", Decimal("0.5000")),
        (2, "acceptance", Decimal("0.5000")),
    ]
    assert call.directions.count() == 33
    # Industrial sections and the producer-services divisions of the catalog.
    assert [a.industry_id for a in rules.allowed_industries.all()] == [
        "B", "C", "D", "63", "64", "65", "73", "74", "75"
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="call.create", object_id=str(call.pk)).exists()


def test_there_is_a_district_share_row_for_each_of_the_16_districts(officer):
    rules = create(officer).rules
    shares = CallDistrictShare.objects.filter(rules=rules)
    assert shares.count() == 16
    assert set(shares.values_list("district_id", flat=True)) == set(
        District.objects.values_list("code", flat=True)
    )
    pudong = shares.get(district_id="310115")
    assert (pudong.rate, pudong.cap, pudong.construction_cap_share) == (
        Decimal("0.0800"),
        Decimal("5000000.00"),
        Decimal("0.3000"),
    )


def test_only_a_municipal_officer_drafts_a_call(role_users):
    for role, user in role_users.items():
        if role == Role.MUNICIPAL_OFFICER:
            continue
        with pytest.raises(PermissionRefused) as refused:
            create(user)
        assert refused.value.reason == "只有市经信委经办人可以起草和修改申报通知。"
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_at": datetime(2026, 1, 20, 0, 0)}, "closes_at", "申报截止时间须晚于申报开始时间。"),
        ({"closes_at": datetime(2026, 1, 19, 0, 0)}, "closes_at", "申报截止时间须晚于申报开始时间。"),
        (
            {"district_forward_date": date(2026, 2, 4)},
            "district_forward_date",
            "区推荐截止日期须晚于申报截止日期（2026-02-04）。",
        ),
        ({"title": "  "}, "title", "请填写通知标题。"),
        ({"budget": Decimal("-1")}, "budget", "专项资金预算不能为负数。"),
    ],
)
def test_a_bad_window_or_value_is_refused_with_its_message(officer, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        create(officer, **overrides)
    assert error.value.message_dict[field] == [message]
    assert not Call.objects.exists()


def test_directions_must_come_from_the_calls_catalog_version(officer):
    with pytest.raises(ValidationError) as error:
        create(officer, direction_codes=["1.1", "12.9"])
    assert error.value.message_dict["direction_codes"] == [
        "支持目录“2026年上海市重点技术改造支持目录”中没有支持方向 12.9。"
    ]
    call = create(officer, direction_codes=["1.1", "2.1"])
    assert sorted(call.directions.values_list("code", flat=True)) == ["1.1", "2.1"]


def test_a_draft_is_edited_in_place(officer):
    call = create(officer)
    services.call_update(actor=officer, call=call, title="新标题", direction_codes=["2.1"])
    rules = services.call_rules_update(
        actor=officer,
        call=call,
        values={"support_rate": Decimal("0.08")},
        children=RulesChildren(instalments=[InstalmentSpec(1, "approval", Decimal("1"))]),
    )
    call.refresh_from_db()
    assert call.title == "新标题"
    assert list(call.directions.values_list("code", flat=True)) == ["2.1"]
    assert rules.pk == call.current_rules_id and rules.version == 1
    assert rules.support_rate == Decimal("0.0800")
    assert rules.instalments.count() == 1
    assert CallRules.objects.filter(call=call).count() == 1


def test_a_rate_outside_0_and_1_is_refused_at_once(officer):
    call = create(officer)
    with pytest.raises(ValidationError) as error:
        services.call_rules_update(
            actor=officer,
            call=call,
            values={"support_rate": Decimal("1.2"), "min_fixed_asset_share": Decimal("-0.1")},
        )
    assert error.value.message_dict == {
        "support_rate": ["支持比例须在 0 到 1（0% 到 100%）之间。"],
        "min_fixed_asset_share": ["固定资产投资占比下限须在 0 到 1（0% 到 100%）之间。"],
    }
    call.rules.refresh_from_db()
    assert call.rules.support_rate == Decimal("0.1000")


# --- Publishing ---------------------------------------------------------------------------------
def test_only_the_municipal_head_publishes(officer):
    call = create(officer)
    with pytest.raises(PermissionRefused) as refused:
        services.call_publish(actor=officer, call=call)
    assert refused.value.reason == "只有市经信委负责人可以发布申报通知。"


def test_publishing_checks_catalog_directions_instalments_and_rates(officer, head):
    catalog = draft_catalog(year=2027)
    call = create(officer, catalog_version=catalog, direction_codes=[])
    services.call_rules_update(
        actor=officer,
        call=call,
        children=RulesChildren(
            instalments=[
                InstalmentSpec(1, "approval", Decimal("0.5")),
                InstalmentSpec(2, "acceptance", Decimal("0.4")),
            ]
        ),
    )
    CallRules.objects.filter(pk=call.rules.pk).update(national_matching_ratio=Decimal("1.5"))
    with pytest.raises(ValidationError) as error:
        services.call_publish(actor=head, call=call)
    assert error.value.message_dict == {
        "catalog_version": [
            "所依据的支持目录“2027年上海市重点技术改造支持目录”不是已发布的版本（现为草稿），请改用已发布的目录版本。"
        ],
        "direction_codes": ["请至少选择一个支持方向。"],
        "national_matching_ratio": ["国家项目配套比例须在 0 到 1（0% 到 100%）之间。"],
        "instalments": ["各期拨付比例之和须为 100%，现为 90%。"],
    }
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert not call.rules.frozen


def test_publishing_needs_every_district_row(officer, head):
    call = create(officer)
    CallDistrictShare.objects.filter(rules=call.rules, district_id="310151").delete()
    with pytest.raises(ValidationError) as error:
        services.call_publish(actor=head, call=call)
    assert error.value.message_dict["district_shares"] == ["缺少以下区的区级支持设置：崇明区。"]


def test_publishing_freezes_the_rules_and_the_call(officer, head):
    call = create(officer)
    services.call_publish(actor=head, call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED and call.published_by == head
    assert call.rules.frozen
    refusal = "申报通知已发布，不能直接修改；如需调整申报规则，请由市经信委负责人发布新版本规则。"
    with pytest.raises(PermissionRefused) as refused:
        services.call_update(actor=officer, call=call, title="改标题")
    assert refused.value.reason == refusal
    with pytest.raises(PermissionRefused) as refused:
        services.call_rules_update(actor=officer, call=call, values={"support_rate": Decimal("0.05")})
    assert refused.value.reason == refusal
    call.refresh_from_db()
    assert call.title == defaults.CALL_2026_TITLE
    assert call.rules.support_rate == Decimal("0.1000")


# --- Revising -----------------------------------------------------------------------------------
def test_a_revision_makes_version_2_with_every_child_row_copied(head):
    call = closed_call()
    v1 = call.rules
    v2 = services.call_rules_revise(
        actor=head,
        call=call,
        note="单个项目支持上限调整为 8000 万元",
        values={"cap_per_project": Decimal("80000000.00")},
    )
    call.refresh_from_db()
    assert call.rules == v2
    assert (v2.version, v2.frozen, v2.note) == (2, True, "单个项目支持上限调整为 8000 万元")
    assert v2.cap_per_project == Decimal("80000000.00")
    assert v2.support_rate == v1.support_rate
    for relation in (
        "investment_items",
        "prerequisites",
        "attachment_requirements",
        "instalments",
        "district_shares",
    ):
        old, new = getattr(v1, relation).all(), getattr(v2, relation).all()
        assert new.count() == old.count() > 0, relation
        assert not set(new.values_list("pk", flat=True)) & set(old.values_list("pk", flat=True))
    v1.refresh_from_db()
    assert v1.cap_per_project == Decimal("100000000.00") and v1.frozen
    event = AuditEvent.objects.get(action="call.rules.revise")
    assert event.changes["rules_version"] == {"before": 1, "after": 2}
    assert event.changes["cap_per_project"] == {"before": "100000000.00", "after": "80000000.00"}


def test_a_revision_can_change_child_rows_and_is_checked_whole(head):
    call = closed_call()
    with pytest.raises(ValidationError) as error:
        services.call_rules_revise(
            actor=head,
            call=call,
            note="分期调整",
            children=RulesChildren(instalments=[InstalmentSpec(1, "approval", Decimal("0.3"))]),
        )
    assert error.value.message_dict["instalments"] == ["各期拨付比例之和须为 100%，现为 30%。"]
    assert CallRules.objects.filter(call=call).count() == 1
    v2 = services.call_rules_revise(
        actor=head,
        call=call,
        note="分期调整",
        children=RulesChildren(
            instalments=[
                InstalmentSpec(1, "approval", Decimal("0.3")),
                InstalmentSpec(2, "acceptance", Decimal("0.7")),
            ]
        ),
    )
    assert [i.percent for i in v2.instalments.all()] == [Decimal("0.3000"), Decimal("0.7000")]
    assert v2.district_shares.count() == 16


def test_a_revision_needs_a_note_a_change_and_the_head(officer, head):
    call = closed_call()
    with pytest.raises(ValidationError) as error:
        services.call_rules_revise(actor=head, call=call, note=" ", values={"support_rate": Decimal("0.05")})
    assert error.value.message_dict["note"] == ["请说明本次规则变更的内容和原因。"]
    with pytest.raises(ValidationError) as error:
        services.call_rules_revise(actor=head, call=call, note="无变化")
    assert error.value.messages == ["新版本规则与现行规则相同，无需发布新版本。"]
    with pytest.raises(PermissionRefused) as refused:
        services.call_rules_revise(
            actor=officer, call=call, note="调整", values={"support_rate": Decimal("0.05")}
        )
    assert refused.value.reason == "只有市经信委负责人可以修订已发布申报通知的规则。"
    assert CallRules.objects.filter(call=call).count() == 1


def test_a_draft_is_not_revised(head):
    call = draft_call()
    with pytest.raises(PermissionRefused) as refused:
        services.call_rules_revise(
            actor=head, call=call, note="调整", values={"support_rate": Decimal("0.05")}
        )
    assert refused.value.reason == "只有已发布的申报通知需要发布新版本规则；草稿可直接修改。"


# --- Cancelling and the window ------------------------------------------------------------------
def test_cancel_needs_a_reason_and_the_head(officer, head):
    call = open_call()
    with pytest.raises(PermissionRefused):
        services.call_cancel(actor=officer, call=call, reason="政策调整")
    with pytest.raises(ValidationError) as error:
        services.call_cancel(actor=head, call=call, reason="")
    assert error.value.message_dict["reason"] == ["请说明撤销原因。"]
    services.call_cancel(actor=head, call=call, reason="政策调整")
    call.refresh_from_db()
    assert call.status == CallStatus.CANCELLED
    assert not call.is_open()
    assert AuditEvent.objects.get(action="call.cancel").message == "政策调整"


def test_the_closing_second_is_closed():
    call = closed_call()
    before = datetime(2026, 2, 4, 15, 59, 59, tzinfo=SH)
    at = datetime(2026, 2, 4, 16, 0, 0, tzinfo=SH)
    assert call.phase(before) == "open" and call.is_open(before)
    assert call.phase(at) == "closed" and not call.is_open(at)
    assert call.phase(at - timedelta(microseconds=1)) == "open"
    assert call.phase(datetime(2026, 1, 19, 23, 59, 59, tzinfo=SH)) == "upcoming"
    assert call.phase(datetime(2026, 1, 20, 0, 0, 0, tzinfo=SH)) == "open"


def test_open_call_factory_makes_an_open_published_call():
    call = open_call(support_rate=Decimal("0.05"))
    assert call.status == CallStatus.PUBLISHED and call.is_open()
    assert call.rules.support_rate == Decimal("0.0500")
    assert call.rules.frozen
