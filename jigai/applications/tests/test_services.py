"""Creating and saving drafts, and the workflow's refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus
from jigai.applications.drafts import ApplicationDraft, draft_parse
from jigai.applications.models import Application, ApplicationTransition
from jigai.applications.tests.conftest import make_enterprise, save, valid_draft
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.choices import EnterpriseStatus


# --- create -----------------------------------------------------------------------------------
def test_create_records_the_rules_district_and_history(enterprise_user, open_call):
    application = services.application_create(actor=enterprise_user, call=open_call)
    enterprise = enterprise_user.organisation.enterprise
    assert application.status == ApplicationStatus.DRAFT
    assert application.rules == open_call.current_rules
    assert application.district == enterprise.district
    assert application.reference_number is None
    assert sorted(application.prerequisites.values_list("code", flat=True)) == sorted(
        open_call.current_rules.prerequisites.values_list("code", flat=True)
    )
    assert application.transitions.get().action == "create"
    assert AuditEvent.objects.filter(action="application.create", object_id=str(application.pk)).exists()


def test_an_enterprise_may_start_several_drafts_for_one_call(enterprise_user, open_call):
    first = services.application_create(actor=enterprise_user, call=open_call)
    # while the first is untouched, starting again opens it (no pile of empty drafts)
    assert services.application_create(actor=enterprise_user, call=open_call).pk == first.pk
    save(enterprise_user, first, valid_draft())
    second = services.application_create(actor=enterprise_user, call=open_call)
    assert second.pk != first.pk
    assert Application.objects.filter(call=open_call).count() == 2


def test_create_refuses_an_unconfirmed_enterprise(open_call):
    user = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(status=EnterpriseStatus.PENDING))
    with pytest.raises(PermissionRefused) as info:
        services.application_create(actor=user, call=open_call)
    assert info.value.reason == "企业注册信息待区确认，须经所在区经济主管部门确认后才能申报。"
    assert not Application.objects.exists()


def test_create_refuses_a_deactivated_enterprise(open_call):
    enterprise = make_enterprise()
    enterprise.organisation.is_active = False
    enterprise.organisation.save()
    with pytest.raises(PermissionRefused, match="企业账户已停用"):
        services.application_create(
            actor=user_for_role(Role.ENTERPRISE, enterprise=enterprise), call=open_call
        )
    assert not Application.objects.exists()


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.MUNICIPAL_OFFICER, Role.EXPERT])
def test_only_enterprise_users_create(role, open_call):
    with pytest.raises(PermissionRefused, match="只有企业申报用户可以填报项目申报"):
        services.application_create(actor=user_for_role(role), call=open_call)


def test_create_refuses_a_closed_call(enterprise_user, closed_call):
    with pytest.raises(ValidationError) as info:
        services.application_create(actor=enterprise_user, call=closed_call)
    assert info.value.message_dict["call"] == [f"“{closed_call.title}”当前不在申报期内，不能新建申报。"]
    assert not Application.objects.exists()


# --- save draft -------------------------------------------------------------------------------
def test_an_incomplete_draft_is_saved(enterprise_user, draft):
    saved = save(enterprise_user, draft, draft_parse({"name": "  智能工厂改造 ", "start_date": "2026-03-01"}))
    assert saved.name == "智能工厂改造"
    assert str(saved.start_date) == "2026-03-01"
    assert saved.lock_version == 1
    assert saved.total_investment == Decimal("0.00")


def test_saving_recomputes_the_totals_and_requested_support(enterprise_user, draft):
    saved = save(enterprise_user, draft, valid_draft())
    assert saved.total_investment == Decimal("25000000.00")
    assert saved.fixed_asset_investment == Decimal("18000000.00")
    assert saved.fixed_asset_share == Decimal("0.720000")
    assert saved.requested_support == Decimal("2500000.00")
    assert saved.investment_lines.count() == 4
    assert saved.investment_lines.get(item_code="software").is_fixed_asset is False
    event = AuditEvent.objects.filter(action="application.save_draft").latest("seq")
    assert event.changes["requested_support"] == {"before": "0.00", "after": "2500000.00"}
    assert ["equipment", "15000000.00"] in event.changes["investment_lines"]["after"]


def test_left_out_fields_stay_and_sent_lists_replace(enterprise_user, draft):
    saved = save(enterprise_user, draft, valid_draft())
    saved = save(
        enterprise_user,
        saved,
        draft_parse({"investment_lines": [{"item_code": "equipment", "amount": "30000000"}]}),
    )
    assert saved.name == "高端数控机床智能工厂技术改造项目"
    assert list(saved.investment_lines.values_list("item_code", flat=True)) == ["equipment"]
    assert saved.total_investment == Decimal("30000000.00")
    assert saved.fixed_asset_share == Decimal("1.000000")


def test_shape_errors_are_given_per_field():
    with pytest.raises(ValidationError) as info:
        draft_parse(
            {
                "own_funds": "很多",
                "start_date": "2026-02-30",
                "jobs_created": -1,
                "investment_lines": [{"item_code": "equipment", "amount": "1.234"}],
            }
        )
    errors = info.value.message_dict
    assert errors["own_funds"] == ["请输入数字。"]
    assert errors["start_date"] == ["日期格式应为 YYYY-MM-DD。"]
    assert errors["jobs_created"] == ["不能小于 0。"]
    assert errors["investment_lines.0.amount"] == ["最多保留两位小数。"]


def test_codes_outside_the_rules_are_refused_and_nothing_is_saved(enterprise_user, draft):
    data = draft_parse(
        {
            "name": "不会被保存",
            "direction": "99.99",
            "site_district": "110101",
            "investment_lines": [
                {"item_code": "equipment", "amount": "1"},
                {"item_code": "land", "amount": "2"},
                {"item_code": "equipment", "amount": "3"},
            ],
            "prerequisites": [{"code": "visa", "done": True}],
        }
    )
    with pytest.raises(ValidationError) as info:
        save(enterprise_user, draft, data)
    errors = info.value.message_dict
    assert errors["direction"] == ["本通知的支持目录中没有编号为“99.99”的条目。"]
    assert errors["site_district"] == ["区代码“110101”不是上海市的区。"]
    assert errors["investment_lines.1.item_code"][0].startswith(
        "“land”不是本通知的投资项目，可选：construction（建筑工程）"
    )
    assert errors["investment_lines.2.item_code"] == ["投资项目“设备器具购置”重复填写。"]
    assert errors["prerequisites.0.code"] == ["“visa”不是本通知要求的前期手续。"]
    draft.refresh_from_db()
    assert draft.name == ""
    assert draft.lock_version == 0
    assert not draft.investment_lines.exists()


def test_a_stale_lock_version_is_refused_and_nothing_is_overwritten(enterprise_user, draft):
    colleague_view = Application.objects.get(pk=draft.pk)
    my_view = Application.objects.get(pk=draft.pk)
    services.application_save_draft(
        actor=enterprise_user,
        application=colleague_view,
        data=draft_parse({"name": "同事保存的名称"}),
        expected_lock_version=0,
    )
    with pytest.raises(services.StaleDraft) as info:
        services.application_save_draft(
            actor=enterprise_user,
            application=my_view,
            data=draft_parse({"name": "我的名称"}),
            expected_lock_version=0,
        )
    assert info.value.message_dict["lock_version"] == ["此申报已在其他窗口或由他人修改，请刷新后再保存"]
    draft.refresh_from_db()
    assert draft.name == "同事保存的名称"
    assert draft.lock_version == 1


def test_another_enterprise_cannot_save(draft):
    other = user_for_role(Role.ENTERPRISE)
    with pytest.raises(PermissionRefused, match="只有申报企业本身的用户可以修改此申报"):
        save(other, draft, draft_parse({"name": "篡改"}))
    draft.refresh_from_db()
    assert draft.name == ""


def test_a_submitted_application_cannot_be_saved(enterprise_user, submitted):
    with pytest.raises(ValidationError, match="申报当前状态为“已提交”，不能修改"):
        save(enterprise_user, submitted, draft_parse({"name": "改名"}))


def test_the_draft_schema_has_no_platform_fields():
    for name in (
        "status",
        "requested_support",
        "total_investment",
        "district",
        "reference_number",
        "fixed_asset_share",
        "submitted_at",
        "lock_version",
    ):
        assert name not in ApplicationDraft.model_fields


# --- transitions ------------------------------------------------------------------------------
def test_an_unknown_action_is_refused(enterprise_user, draft):
    with pytest.raises(ValidationError, match="没有“approve_everything”这项操作"):
        services.application_transition(actor=enterprise_user, application=draft, action="approve_everything")


def test_an_action_from_the_wrong_state_is_refused(enterprise_user, draft):
    with pytest.raises(ValidationError, match="申报当前状态为“草稿”，不能撤回申报"):
        services.application_withdraw(actor=enterprise_user, application=draft, reason="不做了")


def test_withdraw_by_the_applicant_with_a_reason(enterprise_user, submitted):
    withdrawn = services.application_withdraw(actor=enterprise_user, application=submitted, reason="项目调整")
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    last = ApplicationTransition.objects.filter(application=submitted).latest("id")
    assert (last.from_status, last.to_status, last.comment) == ("submitted", "withdrawn", "项目调整")
    event = AuditEvent.objects.filter(action="application.withdraw").get()
    assert event.changes["status"] == {"before": "submitted", "after": "withdrawn"}
    assert event.message == "项目调整"


def test_withdraw_needs_a_reason(enterprise_user, submitted):
    with pytest.raises(ValidationError) as info:
        services.application_withdraw(actor=enterprise_user, application=submitted, reason="  ")
    assert info.value.message_dict["comment"] == ["请填写“撤回申报”的原因。"]
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_a_district_officer_cannot_withdraw(submitted):
    officer = user_for_role(Role.DISTRICT_OFFICER, district_code="310115")
    with pytest.raises(PermissionRefused, match="只有企业申报用户可以执行“撤回申报”"):
        services.application_withdraw(actor=officer, application=submitted, reason="代为撤回")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_another_enterprise_cannot_act_on_an_application(submitted):
    with pytest.raises(PermissionRefused, match="您无权办理此申报"):
        services.application_withdraw(actor=user_for_role(Role.ENTERPRISE), application=submitted, reason="x")
