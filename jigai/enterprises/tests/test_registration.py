"""Enterprise self-registration (issue 3): every rule, and nothing saved when one fails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.choices import EnterpriseStatus, SpecialisedStatus
from jigai.enterprises.models import Enterprise
from jigai.enterprises.services import credit_code_exception_accept, enterprise_register
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data
from jigai.reference.choices import EnterpriseSize
from jigai.reference.codes import credit_check_char

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Enterprise.objects.count(), User.objects.count()


def refused(data: dict[str, Any], **account: Any) -> dict[str, list[str]]:
    """Register and expect a refusal that saves nothing; the errors by field."""
    before = counts()
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        enterprise_register(data=data, **account_data(**account))
    assert counts() == before, "a refused registration saves nothing"
    assert AuditEvent.objects.count() == audit_before
    return caught.value.message_dict


def test_registration_creates_organisation_enterprise_and_first_user():
    data = registration_data(credit_code=" " + registration_data()["credit_code"].lower() + " ")
    account = account_data(username="zjjg_admin")
    before = counts()
    enterprise = enterprise_register(data=data, **account)
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)

    assert enterprise.status == EnterpriseStatus.PENDING
    assert enterprise.credit_code == data["credit_code"].strip().upper()  # normalised
    assert enterprise.district_id == "310115" and enterprise.industry_id == "34"
    assert enterprise.size == EnterpriseSize.MEDIUM  # 420 people, 36000万元
    assert enterprise.operating_revenue == Decimal("36000.00")
    assert enterprise.specialised_status == SpecialisedStatus.MUNICIPAL
    assert enterprise.high_tech_valid_until == dt.date(2027, 12, 31)
    assert enterprise.contact_email == "chenxy@example.com"

    organisation = enterprise.organisation
    assert organisation.kind == OrganisationKind.ENTERPRISE
    assert (organisation.name, organisation.credit_code, organisation.district_id) == (
        enterprise.name,
        enterprise.credit_code,
        "310115",
    )
    user = User.objects.get(username="zjjg_admin")
    assert (user.role, user.organisation_id, user.display_name) == (
        Role.ENTERPRISE,
        organisation.pk,
        "陈晓燕",
    )
    assert user.check_password(GOOD_PASSWORD)
    assert user.password_changed_at is not None
    assert enterprise.registered_by == user
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", "actor_username")[:2])
    assert ("enterprise.register", "zjjg_admin") in actions and ("user.create", "zjjg_admin") in actions


def test_high_tech_status_is_computed_from_the_validity_date():
    enterprise = enterprise_register(
        data=registration_data(high_tech_valid_until=dt.date(2026, 6, 30)), **account_data()
    )
    assert enterprise.is_high_tech_on(dt.date(2026, 6, 30))
    assert not enterprise.is_high_tech_on(dt.date(2026, 7, 1))
    plain = enterprise_register(
        data=registration_data(high_tech_certificate_number="", high_tech_valid_until=None), **account_data()
    )
    assert not plain.is_high_tech_on(dt.date(2020, 1, 1))


def _valid_code() -> str:
    code: str = registration_data()["credit_code"]
    return code


def _with_check(first17: str) -> str:
    return first17 + credit_check_char(first17)


def _changed_at(code: str, index: int) -> str:
    """``code`` with the character at ``index`` replaced by a different one (from one code, so the
    replacement always differs)."""
    return code[:index] + ("0" if code[index] != "0" else "1") + code[index + 1 :]


@pytest.mark.parametrize(
    ("make_code", "message"),
    [
        (lambda: "", "请填写统一社会信用代码。"),
        (lambda: _valid_code()[:17], "统一社会信用代码应为 18 位，当前为 17 位。"),
        (lambda: "91310115MA1K4OXB2S", "不是统一社会信用代码允许的字符"),
        (lambda: _with_check("B" + _valid_code()[1:17]), "第 1 位登记管理部门代码"),
        (lambda: _with_check("97" + _valid_code()[2:17]), "第 2 位机构类别代码"),
        (lambda: _with_check("91AB0115" + _valid_code()[8:17]), "第 3–8 位登记管理机关行政区划码"),
        (
            lambda: _with_check(_changed_at(_valid_code(), 16)[:17]),
            "第 17 位（组织机构代码校验码）",
        ),
        (
            lambda: _changed_at(_valid_code(), 17),
            "第 18 位校验码与前 17 位不符",
        ),
    ],
    ids=["empty", "length", "characters", "authority", "entity-type", "division", "org-check", "check-char"],
)
def test_an_invalid_credit_code_is_refused_with_its_message(make_code, message):
    code = make_code()
    errors = refused(registration_data(credit_code=code))
    assert any(message in m for m in errors["credit_code"]), errors["credit_code"]


def test_an_early_code_accepted_as_an_exception_registers():
    code = _valid_code()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    assert "credit_code" in refused(registration_data(credit_code=bad))
    credit_code_exception_accept(
        actor=user_for_role(Role.DISTRICT_OFFICER), code=bad, reason="核对营业执照原件，代码为早期赋码"
    )
    enterprise = enterprise_register(data=registration_data(credit_code=bad), **account_data())
    assert enterprise.credit_code == bad


def test_a_registered_code_is_refused():
    existing = EnterpriseFactory.create()
    errors = refused(registration_data(credit_code=existing.credit_code.lower()))
    assert errors["credit_code"] == ["该统一社会信用代码已注册，请联系本企业管理员添加账号。"]


def test_a_code_used_by_another_organisation_is_refused():
    code = _valid_code()
    Organisation.objects.create(name="上海某研究院", kind=OrganisationKind.INSTITUTION, credit_code=code)
    errors = refused(registration_data(credit_code=code))
    assert "已被平台上的其他机构使用" in errors["credit_code"][0]


def test_a_taken_username_is_refused():
    user_for_role(Role.MUNICIPAL_OFFICER, username="taken_name")
    errors = refused(registration_data(), username="taken_name")
    assert errors["username"] == ["账号“taken_name”已被使用，请换一个账号。"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc", "密码长度太短，至少需要 8 个字符。"),
        ("abcdefghij", "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。"),
        ("Password1", "这个密码太常见了。"),
        ("zjjg_weak1!", "密码跟 用户名 太相似了。"),
    ],
    ids=["short", "one-class", "common", "like-username"],
)
def test_a_weak_password_is_refused(password, message):
    errors = refused(registration_data(), password=password, username="zjjg_weak1")
    assert message in errors["password"]


def test_every_problem_is_reported_at_once():
    data = registration_data(
        name="",
        district="320100",
        industry="99",
        employees=-1,
        operating_revenue="12.345",
        contact_phone="电话",
        contact_email="not-an-email",
        high_tech_certificate_number="12345",
        high_tech_valid_until=None,
        specialised_status="province",
    )
    errors = refused(data, username="", password="")
    assert errors["name"] == ["请填写企业名称。"]
    assert errors["district"] == ["请选择所在区（上海市 16 个区之一）。"]
    assert errors["industry"] == ["请选择所属行业（国民经济行业分类的门类或大类）。"]
    assert errors["employees"] == ["从业人员应为不小于 0 的整数（人）。"]
    assert errors["operating_revenue"] == ["营业收入（万元）最多保留两位小数。"]
    assert "有效的联系电话" in errors["contact_phone"][0]
    assert errors["contact_email"] == ["请填写有效的电子邮箱地址。"]
    assert "GR 加 12 位数字" in errors["high_tech_certificate_number"][0]
    assert errors["high_tech_valid_until"] == ["填写了高新技术企业证书编号，请同时填写有效期至。"]
    assert errors["specialised_status"] == ["专精特新情况取值无效。"]
    assert errors["username"] == ["请填写登录账号。"]
    assert errors["password"] == ["请设置登录密码。"]


def test_negative_revenue_and_a_date_without_a_certificate_are_refused():
    errors = refused(
        registration_data(
            operating_revenue=Decimal("-1"),
            high_tech_certificate_number="",
            high_tech_valid_until="2027-01-01",
        )
    )
    assert errors["operating_revenue"] == ["营业收入应为不小于 0 的金额（万元），例如 1250.50。"]
    assert errors["high_tech_certificate_number"] == ["填写了证书有效期，请同时填写高新技术企业证书编号。"]


def test_an_industry_section_is_accepted_and_the_size_follows_the_rule():
    enterprise = enterprise_register(
        data=registration_data(industry="c", employees=1500, operating_revenue=Decimal("100")),
        **account_data(),
    )
    assert enterprise.industry_id == "C"
    assert enterprise.size == EnterpriseSize.MICRO  # micro needs one indicator (100万元 < 300)


@pytest.mark.parametrize("industry", ["64", "65", "I", "73", "51"])
def test_a_producer_services_or_any_other_industry_may_register(industry):
    """The whole GB/T 4754-2017 is accepted: which industries may apply is each call's rule."""
    enterprise = enterprise_register(data=registration_data(industry=industry), **account_data())
    assert enterprise.industry_id == industry
