"""The eligibility check rule by rule: pass or fail, and the message the enterprise reads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.drafts import draft_parse
from jigai.applications.eligibility import add_months, eligibility_check, wan
from jigai.applications.tests.conftest import LEAD_ID, save, valid_draft
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.credit import credit_bar_record


def results(application, now=None):
    return {r.code: r for r in eligibility_check(application, now)}


def test_an_eligible_application_passes_every_rule_and_shows_the_amount(eligible_draft):
    checked = results(eligible_draft)
    assert [code for code, r in checked.items() if not r.passed] == []
    assert checked["requested_support"].message == (
        "10.00% × 符合条件的投入 2,500.00 万元 = 申请支持金额 250.00 万元（2,500,000.00 元），"
        "单个项目上限 10,000.00 万元。"
    )
    assert list(checked) == [
        "call_open",
        "enterprise_confirmed",
        "industry",
        "credit_enterprise",
        "credit_project_lead",
        "project_basics",
        "project_code",
        "direction",
        "construction_period",
        "min_total_investment",
        "fixed_asset_share",
        "prerequisites",
        "financing",
        "attachments",
        "requested_support",
    ]


def test_an_empty_draft_fails_with_a_reason_for_each_rule(draft):
    checked = results(draft)
    assert checked["call_open"].passed
    assert checked["enterprise_confirmed"].passed
    assert checked["project_basics"].message == "请填写项目名称和主要技术内容。"
    assert checked["project_code"].message.startswith("请填写投资项目代码。")
    assert checked["direction"].message == "请选择本通知支持的方向。"
    assert checked["construction_period"].message == "请填写建设开始日期和完成日期。"
    assert (
        checked["min_total_investment"].message == "尚未填写投资明细；本通知要求总投资不低于 2,000.00 万元。"
    )
    assert checked["credit_project_lead"].message == "请填写项目负责人姓名和身份证号，以便核查信用记录。"
    assert checked["attachments"].message == (
        "缺少必须提供的材料：营业执照、项目可行性研究报告、项目备案证明、上年度财务审计报告、信用承诺书。"
    )
    assert checked["requested_support"].message == "尚未填写投资明细，无法计算申请支持金额。"
    assert not any(
        r.passed
        for code, r in checked.items()
        if code not in {"call_open", "enterprise_confirmed", "industry", "credit_enterprise"}
    )


def test_the_window_closes_at_the_exact_second(eligible_draft):
    closes = eligible_draft.call.closes_at
    assert results(eligible_draft, closes - dt.timedelta(seconds=1))["call_open"].passed
    at_close = results(eligible_draft, closes)["call_open"]
    assert not at_close.passed
    after = results(eligible_draft, closes + dt.timedelta(seconds=1))["call_open"]
    assert not after.passed
    assert "已于" in after.message and "截止" in after.message


def test_before_the_window_opens(eligible_draft):
    early = results(eligible_draft, eligible_draft.call.opens_at - dt.timedelta(seconds=1))["call_open"]
    assert not early.passed
    assert "开始，现在还不能提交" in early.message


def test_total_investment_below_the_minimum(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[
                {"item_code": "equipment", "amount": "15000000"},
                {"item_code": "software", "amount": "3500000"},
            ],
            own_funds="18500000",
            bank_loans="0",
        ),
    )
    rule = results(application)["min_total_investment"]
    assert not rule.passed
    assert rule.message == "总投资 1,850.00 万元，低于本通知要求的 2,000.00 万元。"


def test_total_investment_exactly_at_the_minimum_passes(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[{"item_code": "equipment", "amount": "20000000"}],
            own_funds="20000000",
            bank_loans="0",
        ),
    )
    assert results(application)["min_total_investment"].passed


@pytest.mark.parametrize(
    ("fixed", "other", "share"),
    [("15000000", "10000000", "60.00%"), ("14999999.99", "10000000.01", "59.99%")],
)
def test_a_fixed_asset_share_of_60_percent_or_less_fails(
    enterprise_user, eligible_draft, fixed, other, share
):
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
    rule = results(application)["fixed_asset_share"]
    assert not rule.passed
    fixed_wan = wan(application.fixed_asset_investment)
    assert (
        rule.message
        == f"固定资产投资 {fixed_wan} 万元，占总投资 2,500.00 万元的 {share}，本通知要求高于 60.00%。"
    )


def test_a_share_just_above_60_percent_passes(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[
                {"item_code": "equipment", "amount": "15000000.01"},
                {"item_code": "software", "amount": "9999999.99"},
            ]
        ),
    )
    assert results(application)["fixed_asset_share"].passed


def test_a_barred_enterprise_fails_the_credit_rule(eligible_draft):
    credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        enterprise=eligible_draft.enterprise,
        reason="虚报冒领专项资金",
        source_document="信用中国（上海）XY-2025-18",
        starts_on=timezone.localdate() - dt.timedelta(days=100),
    )
    rule = results(eligible_draft)["credit_enterprise"]
    assert not rule.passed
    assert rule.message.startswith(
        f"企业“{eligible_draft.enterprise.name}”因失信被限制申报（事由：虚报冒领专项资金；"
    )
    assert results(eligible_draft)["credit_project_lead"].passed


def test_a_barred_project_lead_fails_the_lead_rule(eligible_draft):
    credit_bar_record(
        actor=user_for_role(Role.MUNICIPAL_OFFICER),
        person_name="李明",
        person_id_number=LEAD_ID,
        reason="在其他项目中提供虚假验收材料",
        source_document="沪经信监〔2025〕9号",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    rule = results(eligible_draft)["credit_project_lead"]
    assert not rule.passed
    assert rule.message.startswith(f"项目负责人 李明（身份证号 {LEAD_ID[:3]}")
    assert "限制期内不能作为项目负责人申报" in rule.message
    assert LEAD_ID not in rule.message
    assert results(eligible_draft)["credit_enterprise"].passed


def test_an_expired_bar_does_not_count(eligible_draft):
    credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        enterprise=eligible_draft.enterprise,
        reason="旧事",
        source_document="X",
        starts_on=dt.date(2020, 1, 1),
    )
    assert results(eligible_draft)["credit_enterprise"].passed


def test_a_wrong_id_number_of_the_lead_fails(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        draft_parse(
            {"project_lead_id_number": LEAD_ID[:17] + "0" if LEAD_ID[17] != "0" else LEAD_ID[:17] + "1"}
        ),
    )
    assert (
        results(application)["credit_project_lead"].message
        == "项目负责人身份证号第 18 位校验码与前 17 位不符，请逐位核对。"
    )


def test_a_direction_outside_the_call(enterprise_user, eligible_draft):
    application = save(enterprise_user, eligible_draft, draft_parse({"direction": "2.1"}))
    rule = results(application)["direction"]
    assert not rule.passed
    assert rule.message == "“2.1 智能工厂和数字化车间建设”不在本通知支持的方向内，请重新选择。"


def test_construction_period_order_and_length(enterprise_user, eligible_draft):
    application = save(
        enterprise_user, eligible_draft, draft_parse({"start_date": "2026-03-01", "end_date": "2026-03-01"})
    )
    assert (
        results(application)["construction_period"].message
        == "建设完成日期 2026-03-01 应晚于开始日期 2026-03-01。"
    )
    application = save(enterprise_user, application, draft_parse({"end_date": "2028-03-01"}))
    assert results(application)["construction_period"].passed
    application = save(enterprise_user, application, draft_parse({"end_date": "2028-03-02"}))
    assert results(application)["construction_period"].message == (
        "建设期 2026-03-01 至 2028-03-02 超过本通知规定的 24 个月上限（最迟应于 2028-03-01 完成）。"
    )


def test_add_months_keeps_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 24) == dt.date(2028, 11, 15)


def test_prerequisites_not_done_or_without_document_number(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        draft_parse(
            {
                "prerequisites": [
                    {"code": "filing", "done": True, "document_number": ""},
                    {"code": "planning", "done": True, "document_number": "沪规〔2026〕1号"},
                    {"code": "land", "done": False},
                    {"code": "environment", "done": True, "document_number": "沪环〔2026〕2号"},
                    {"code": "funds", "done": True},
                    {"code": "started", "done": True},
                ]
            }
        ),
    )
    rule = results(application)["prerequisites"]
    assert rule.message == "尚未完成：土地手续；请填写文号：项目立项（备案）。"


def test_financing_must_add_up_to_the_total(enterprise_user, eligible_draft):
    application = save(enterprise_user, eligible_draft, draft_parse({"bank_loans": "9000000"}))
    assert results(application)["financing"].message == (
        "资金来源合计 2,400.00 万元（自有资金 1,500.00、银行贷款 900.00、融资租赁 0.00、其他 0.00），"
        "与总投资 2,500.00 万元不一致，相差 100.00 万元。"
    )


def test_a_missing_required_attachment(eligible_draft):
    eligible_draft.attachments.filter(requirement_code="credit_commitment").delete()
    rule = results(eligible_draft)["attachments"]
    assert not rule.passed
    assert rule.message == "缺少必须提供的材料：信用承诺书。"


def test_the_requested_amount_is_capped(enterprise_user, eligible_draft):
    application = save(
        enterprise_user,
        eligible_draft,
        valid_draft(
            investment_lines=[{"item_code": "equipment", "amount": "1200000000"}],
            own_funds="1200000000",
            bank_loans="0",
        ),
    )
    assert application.requested_support == application.rules.cap_per_project
    assert results(application)["requested_support"].message == (
        "10.00% × 符合条件的投入 120,000.00 万元，超过单个项目上限 10,000.00 万元，按上限计："
        "申请支持金额 10,000.00 万元（100,000,000.00 元）。"
    )


def test_an_amount_just_below_the_minimum_does_not_read_as_the_minimum():
    from jigai.applications.eligibility import wan_apart

    assert wan_apart(Decimal("19999999.99"), Decimal("20000000")) == ("1,999.999999", "2,000.000000")
    assert wan_apart(Decimal("19999000"), Decimal("20000000")) == ("1,999.90", "2,000.00")
    assert wan_apart(Decimal("20000000"), Decimal("20000000")) == ("2,000.00", "2,000.00")


# --- the call's industries (rule 申报行业范围) ------------------------------------------------------
def _with_industry(application, code):
    enterprise = application.enterprise
    enterprise.industry_id = code
    enterprise.save(update_fields=["industry"])
    application.refresh_from_db()
    return application


@pytest.mark.parametrize("code", ["34", "C", "06", "44", "64", "65", "73", "75"])
def test_industrial_and_producer_services_enterprises_may_apply_by_default(eligible_draft, code):
    rule = results(_with_industry(eligible_draft, code))["industry"]
    assert rule.passed, rule.message
    assert "在本通知规则（第 1 版）“申报行业范围”允许的行业内" in rule.message


def test_an_industry_outside_the_calls_rule_is_refused_naming_the_rule(eligible_draft):
    rule = results(_with_industry(eligible_draft, "52"))["industry"]
    assert not rule.passed
    assert rule.label == "申报行业范围"
    assert rule.message.startswith(
        "企业所属行业“52 零售业”不在本通知规则（第 1 版）“申报行业范围”允许的行业内，不能申报。"
        "允许的行业：B 采矿业、C 制造业、D 电力、热力、燃气及水生产和供应业、63 "
    )
    # Only the section of producer services is not enough: the divisions are listed, not section I.
    assert not results(_with_industry(eligible_draft, "I"))["industry"].passed


def test_each_call_says_which_industries_may_apply(eligible_draft):
    from jigai.calls.rules import RulesChildren
    from jigai.calls.services import call_rules_revise

    application = _with_industry(eligible_draft, "52")
    head = user_for_role(Role.MUNICIPAL_HEAD)
    call_rules_revise(
        actor=head,
        call=application.call,
        note="零售企业可申报",
        children=RulesChildren(industries=["C", "F"]),
    )
    application.call.refresh_from_db()
    application.refresh_from_db()
    rule = results(application)["industry"]
    assert rule.passed and "第 2 版" in rule.message
    call_rules_revise(
        actor=head, call=application.call, note="不限行业", children=RulesChildren(industries=[])
    )
    application.call.refresh_from_db()
    application.refresh_from_db()
    assert results(application)["industry"].message == "本通知不限申报企业的所属行业。"
