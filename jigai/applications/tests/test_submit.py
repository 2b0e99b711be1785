"""Submission: refused unless every rule passes and it is no duplicate; numbered when it goes through."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus, DuplicateKind
from jigai.applications.duplicates import name_similarity, normalise_name
from jigai.applications.eligibility import NotEligible
from jigai.applications.models import Application, ApplicationTransition, ReferenceCounter
from jigai.applications.numbering import format_reference_number
from jigai.applications.tests.conftest import (
    CALL_DIRECTIONS,
    LEAD_ID,
    eligible_application_for,
    make_enterprise,
    project_code,
    save,
    valid_draft,
)
from jigai.audit.models import AuditEvent
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.credit import credit_bar_record


def counters() -> list[tuple[int, str, int]]:
    return list(ReferenceCounter.objects.values_list("year", "district_id", "last_serial").order_by("id"))


def assert_nothing_saved(application: Application, events_before: int, counters_before: list) -> None:
    """The refused submission left the draft exactly as it was."""
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference_number is None
    assert application.submitted_at is None
    assert not ApplicationTransition.objects.filter(application=application, action="submit").exists()
    assert not application.duplicate_flags.exists()
    assert counters() == counters_before
    assert AuditEvent.objects.count() == events_before


def refused(actor, application) -> ValidationError:
    before, counters_before = AuditEvent.objects.count(), counters()
    with pytest.raises(ValidationError) as info:
        services.application_submit(actor=actor, application=application)
    assert_nothing_saved(application, before, counters_before)
    return info.value


def test_a_submission_is_numbered_timed_and_recorded(enterprise_user, eligible_draft):
    application = services.application_submit(actor=enterprise_user, application=eligible_draft)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference_number == f"JG{application.call.year}-310115-00001"
    assert application.submitted_at is not None
    assert application.rules == application.call.current_rules
    transition = application.transitions.latest("id")
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "draft",
        "submitted",
        enterprise_user,
    )
    event = AuditEvent.objects.get(action="application.submit")
    assert event.changes["status"] == {"before": "draft", "after": "submitted"}
    assert event.changes["reference_number"]["after"] == application.reference_number


def test_serials_run_per_year_and_district(enterprise_user, open_call):
    first = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, open_call, name="数控机床智能工厂"),
    )
    second = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, open_call, name="绿色涂装线节能改造"),
    )
    xuhui = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310104"))
    third = services.application_submit(
        actor=xuhui,
        application=eligible_application_for(
            xuhui, open_call, name="集成电路封测线", project_code=project_code("310104")
        ),
    )
    assert [first.reference_number, second.reference_number, third.reference_number] == [
        "JG2026-310115-00001",
        "JG2026-310115-00002",
        "JG2026-310104-00001",
    ]
    assert re.fullmatch(r"JG\d{4}-\d{6}-\d{5}", third.reference_number or "")


def test_a_number_already_in_use_is_skipped(enterprise_user, eligible_draft, open_call):
    other = eligible_application_for(user_for_role(Role.ENTERPRISE), open_call, name="导入的历史申报")
    Application.objects.filter(pk=other.pk).update(
        reference_number=format_reference_number(2026, "310115", 1), status=ApplicationStatus.SUBMITTED
    )
    application = services.application_submit(actor=enterprise_user, application=eligible_draft)
    assert application.reference_number == "JG2026-310115-00002"


def test_one_second_after_the_window_closes(enterprise_user, eligible_draft, at):
    at(eligible_draft.call.closes_at + dt.timedelta(seconds=1))
    error = refused(enterprise_user, eligible_draft)
    assert isinstance(error, NotEligible)
    assert list(error.message_dict) == ["call_open"]
    assert "截止" in error.message_dict["call_open"][0]
    assert error.summary == "申报未通过资格审查，有 1 项不符合要求：申报时间。"


def test_the_last_second_of_the_window_is_still_open(enterprise_user, eligible_draft, at):
    at(eligible_draft.call.closes_at - dt.timedelta(microseconds=1))
    assert (
        services.application_submit(actor=enterprise_user, application=eligible_draft).status == "submitted"
    )


def test_total_investment_below_the_minimum_is_refused(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[{"item_code": "equipment", "amount": "18500000"}],
            own_funds="18500000",
            bank_loans="0",
        ),
    )
    error = refused(enterprise_user, application)
    assert error.message_dict == {
        "min_total_investment": ["总投资 1,850.00 万元，低于本通知要求的 2,000.00 万元。"]
    }


@pytest.mark.parametrize("fixed", ["15000000", "12000000"])
def test_a_fixed_asset_share_of_60_percent_or_less_is_refused(enterprise_user, eligible_draft, fixed):
    other = str(25000000 - int(fixed))
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[
                {"item_code": "equipment", "amount": fixed},
                {"item_code": "software", "amount": other},
            ]
        ),
    )
    error = refused(enterprise_user, application)
    assert list(error.message_dict) == ["fixed_asset_share"]
    assert "本通知要求高于 60.00%" in error.message_dict["fixed_asset_share"][0]


def test_a_missing_required_attachment_is_refused(enterprise_user, eligible_draft):
    eligible_draft.attachments.filter(requirement_code="feasibility").delete()
    error = refused(enterprise_user, eligible_draft)
    assert error.message_dict == {"attachments": ["缺少必须提供的材料：项目可行性研究报告。"]}


def test_a_barred_enterprise_is_refused(enterprise_user, eligible_draft):
    credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        enterprise=eligible_draft.enterprise,
        reason="骗取专项资金",
        source_document="信用中国（上海）2025-77",
        starts_on=dt.date(2025, 6, 1),
    )
    error = refused(enterprise_user, eligible_draft)
    assert list(error.message_dict) == ["credit_enterprise"]
    assert "因失信被限制申报" in error.message_dict["credit_enterprise"][0]


def test_a_barred_project_lead_is_refused(enterprise_user, eligible_draft):
    credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        person_name="李明",
        person_id_number=LEAD_ID,
        reason="提供虚假材料",
        source_document="沪经信监〔2025〕9号",
        starts_on=dt.date(2025, 6, 1),
    )
    error = refused(enterprise_user, eligible_draft)
    assert list(error.message_dict) == ["credit_project_lead"]
    assert "限制期内不能作为项目负责人申报" in error.message_dict["credit_project_lead"][0]


def test_all_failing_rules_are_listed(enterprise_user, draft):
    error = refused(enterprise_user, draft)
    assert {"project_basics", "project_code", "attachments", "min_total_investment"} <= set(
        error.message_dict
    )
    assert "call_open" not in error.message_dict


# --- duplicates -------------------------------------------------------------------------------
def test_the_same_project_code_of_another_enterprise_is_refused_without_naming_it(enterprise_user, open_call):
    other_user = user_for_role(Role.ENTERPRISE)
    first = services.application_submit(
        actor=other_user, application=eligible_application_for(other_user, open_call, name="别家的机器人产线")
    )
    mine = eligible_application_for(enterprise_user, open_call, project_code=first.project_code)
    error = refused(enterprise_user, mine)
    message = error.message_dict["project_code"][0]
    assert message.startswith(f"投资项目代码 {first.project_code} 已被另一份申报使用，同一项目不能重复申报。")
    assert "别家" not in message and str(first.reference_number) not in message


def test_the_same_project_code_in_a_call_of_another_year_is_refused(enterprise_user, open_call):
    last_year = factories.open_call(year=2025, title="2025年度申报通知", direction_codes=CALL_DIRECTIONS)
    old = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, last_year, name="去年的项目"),
    )
    again = eligible_application_for(
        enterprise_user, open_call, name="换个名字", project_code=old.project_code
    )
    error = refused(enterprise_user, again)
    assert error.message_dict["project_code"] == [
        f"投资项目代码 {old.project_code} 已用于本企业的“去年的项目”"
        f"（2025年度申报通知，编号 {old.reference_number}，已提交），"
        "同一项目不能重复申报；如需改报，请先撤回原申报。"
    ]


def test_a_withdrawn_or_draft_application_does_not_block_the_code(enterprise_user, open_call):
    first = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, open_call, name="第一次申报"),
    )
    services.application_withdraw(actor=enterprise_user, application=first, reason="材料有误，重新申报")
    eligible_application_for(enterprise_user, open_call, name="草稿副本", project_code=first.project_code)
    again = eligible_application_for(
        enterprise_user, open_call, name="重新申报", project_code=first.project_code
    )
    assert services.application_submit(actor=enterprise_user, application=again).status == "submitted"


@pytest.mark.parametrize("outcome", [ApplicationStatus.NOT_RECOMMENDED, ApplicationStatus.NOT_APPROVED])
def test_a_project_refused_in_an_earlier_call_may_apply_again(enterprise_user, open_call, outcome):
    last_year = factories.open_call(year=2025, title="2025年度申报通知", direction_codes=CALL_DIRECTIONS)
    old = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, last_year, name="去年未获支持的项目"),
    )
    Application.objects.filter(pk=old.pk).update(status=outcome)
    again = eligible_application_for(
        enterprise_user, open_call, name="去年未获支持的项目", project_code=old.project_code
    )
    assert services.application_submit(actor=enterprise_user, application=again).status == "submitted"


def test_a_project_funded_in_an_earlier_call_may_not_apply_again(enterprise_user, open_call):
    last_year = factories.open_call(year=2025, title="2025年度申报通知", direction_codes=CALL_DIRECTIONS)
    old = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, last_year, name="去年获支持的项目"),
    )
    Application.objects.filter(pk=old.pk).update(status=ApplicationStatus.APPROVED)
    again = eligible_application_for(
        enterprise_user, open_call, name="另一个名字", project_code=old.project_code
    )
    assert "已获得市级专项资金支持" in refused(enterprise_user, again).message_dict["project_code"][0]


def test_an_application_in_flight_in_the_same_call_still_blocks_the_code(enterprise_user, open_call):
    first = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, open_call, name="在审的项目"),
    )
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.EXPERT_REVIEW)
    again = eligible_application_for(
        enterprise_user, open_call, name="另一个名字", project_code=first.project_code
    )
    assert "同一项目不能重复申报" in refused(enterprise_user, again).message_dict["project_code"][0]


def test_a_project_funded_before_is_refused(enterprise_user, open_call):
    funded = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(
            enterprise_user, open_call, name="高端数控机床智能工厂技术改造项目"
        ),
    )
    Application.objects.filter(pk=funded.pk).update(status=ApplicationStatus.APPROVED)
    same_code = eligible_application_for(enterprise_user, open_call, project_code=funded.project_code)
    assert "已获得市级专项资金支持" in refused(enterprise_user, same_code).message_dict["project_code"][0]
    similar_name = eligible_application_for(enterprise_user, open_call, name="高端数控机床智能工厂建设项目")
    message = refused(enterprise_user, similar_name).message_dict["name"][0]
    assert message.startswith("项目名称与本企业的“高端数控机床智能工厂技术改造项目”")
    assert "已获支持的项目不能再次申报" in message


def test_a_similar_name_of_the_same_enterprise_is_flagged_not_refused(enterprise_user, open_call):
    first = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(
            enterprise_user, open_call, name="高端数控机床智能工厂技术改造项目"
        ),
    )
    second = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(
            enterprise_user, open_call, name="高端数控机床智能工厂（二期）建设项目"
        ),
    )
    assert second.status == ApplicationStatus.SUBMITTED
    assert second.has_duplicate_flags
    flag = second.duplicate_flags.get()
    assert (flag.kind, flag.other) == (DuplicateKind.SIMILAR_NAME, first)
    assert flag.similarity is not None and flag.similarity >= Decimal("0.85")
    assert "名称相近" in flag.detail
    third = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(enterprise_user, open_call, name="新能源汽车电池包装配线"),
    )
    assert not third.has_duplicate_flags


def test_similar_names_of_different_enterprises_are_not_flagged(enterprise_user, open_call):
    other = user_for_role(Role.ENTERPRISE)
    services.application_submit(
        actor=other,
        application=eligible_application_for(other, open_call, name="高端数控机床智能工厂技术改造项目"),
    )
    mine = services.application_submit(
        actor=enterprise_user,
        application=eligible_application_for(
            enterprise_user, open_call, name="高端数控机床智能工厂技术改造项目"
        ),
    )
    assert not mine.has_duplicate_flags


def test_name_normalisation():
    assert normalise_name(" 高端 数控机床（智能工厂）技术改造项目 ") == "高端数控机床智能工厂"
    assert normalise_name("ＡＢＣ产线建设工程") == "abc产线"
    assert name_similarity("智能工厂技术改造项目", "智能工厂建设项目") == 1.0
    assert name_similarity("项目", "智能工厂") == 0.0
    assert name_similarity("数控机床智能工厂", "锂电池隔膜生产线") < 0.85
