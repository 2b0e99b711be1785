"""Credit bars (rules.md §3): recording one, and the check applications use."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.credit import check_id_number, credit_bar_for, credit_bar_record, id_number_check_char
from jigai.enterprises.models import CreditBar

pytestmark = pytest.mark.django_db

PERSON = "11010519491231002" + id_number_check_char("11010519491231002")
DAY = dt.date(2026, 3, 1)


@pytest.fixture
def supervisor():
    return user_for_role(Role.SUPERVISOR)


def test_id_number_check():
    assert check_id_number(PERSON) == (PERSON, None)
    assert check_id_number(PERSON.lower()) == (PERSON, None)
    wrong = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")
    assert "第 18 位校验码" in str(check_id_number(wrong)[1])
    assert "应为 18 位" in str(check_id_number("12345")[1])
    assert "出生日期" in str(check_id_number("110105194913310021")[1])


def test_an_enterprise_bar_lasts_three_years_by_default(supervisor):
    enterprise = EnterpriseFactory.create()
    bar = credit_bar_record(
        actor=supervisor,
        enterprise=enterprise,
        reason="虚报投资骗取专项资金",
        source_document="信用中国（上海）2026-0001",
        starts_on=DAY,
    )
    assert bar.ends_on == dt.date(2029, 2, 28)
    assert credit_bar_for(enterprise, None, DAY) == bar
    assert credit_bar_for(enterprise, None, dt.date(2029, 2, 28)) == bar
    assert credit_bar_for(enterprise, None, dt.date(2029, 3, 1)) is None
    assert credit_bar_for(enterprise, None, dt.date(2026, 2, 28)) is None
    assert credit_bar_for(EnterpriseFactory.create(), None, DAY) is None
    event = AuditEvent.objects.get(action="credit_bar.record")
    assert event.object_id == str(bar.pk)
    assert event.changes["starts_on"]["after"] == "2026-03-01"


def test_a_person_bar_matches_the_id_number_whatever_the_enterprise(supervisor):
    bar = credit_bar_record(
        actor=supervisor,
        person_name="王五",
        person_id_number=PERSON.lower(),
        reason="项目负责人提供虚假材料",
        source_document="沪经信监〔2026〕3号",
        starts_on=DAY,
        years=5,
    )
    assert bar.person_id_number == PERSON
    assert bar.ends_on == dt.date(2031, 2, 28)
    assert credit_bar_for(None, PERSON, DAY) == bar
    assert credit_bar_for(EnterpriseFactory.create(), f" {PERSON.lower()} ", DAY) == bar
    assert credit_bar_for(None, "", DAY) is None


def test_recording_refuses_bad_input_and_saves_nothing(supervisor):
    with pytest.raises(ValidationError) as info:
        credit_bar_record(
            actor=supervisor,
            person_name="",
            person_id_number="123",
            reason="",
            source_document="",
            starts_on=DAY,
        )
    errors = info.value.message_dict
    assert "应为 18 位" in errors["person_id_number"][0]
    assert errors["person_name"] == ["请填写受限人员姓名。"]
    assert errors["reason"] == ["请填写失信事由。"]
    assert errors["source_document"] == ["请填写信用平台记录或文书编号。"]
    with pytest.raises(ValidationError) as info:
        credit_bar_record(
            actor=supervisor,
            enterprise=EnterpriseFactory.create(),
            person_name="王五",
            reason="x",
            source_document="y",
            starts_on=DAY,
        )
    assert "只针对一个对象" in info.value.message_dict["enterprise"][0]
    with pytest.raises(ValidationError) as info:
        credit_bar_record(
            actor=supervisor,
            enterprise=EnterpriseFactory.create(),
            reason="x",
            source_document="y",
            starts_on=DAY,
            ends_on=DAY - dt.timedelta(days=1),
        )
    assert info.value.message_dict["ends_on"] == ["限制截止日期不能早于开始日期。"]
    assert not CreditBar.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.ENTERPRISE, Role.DISTRICT_OFFICER, Role.FINANCE_OFFICER, Role.SYSADMIN]
)
def test_only_municipal_officers_and_supervisors_record_bars(role):
    with pytest.raises(PermissionRefused) as info:
        credit_bar_record(
            actor=user_for_role(role),
            enterprise=EnterpriseFactory.create(),
            reason="x",
            source_document="y",
            starts_on=DAY,
        )
    assert "监督检查人员" in info.value.reason
    assert not CreditBar.objects.exists()


@pytest.mark.parametrize("role", [Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD, Role.SUPERVISOR])
def test_municipal_roles_and_supervisors_may_record(role):
    bar = credit_bar_record(
        actor=user_for_role(role),
        enterprise=EnterpriseFactory.create(),
        reason="x",
        source_document="y",
        starts_on=DAY,
    )
    assert bar.recorded_by.role == role
