"""The district's confirmation of a registered enterprise, the profile and the enterprise's accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.enterprises.services import (
    ENTERPRISE_MAX_USERS,
    enterprise_confirm,
    enterprise_register,
    enterprise_reject,
    enterprise_update_profile,
    enterprise_user_add,
)
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending() -> Enterprise:
    return enterprise_register(data=registration_data(), **account_data())


def first_user(enterprise: Enterprise) -> User:
    user = enterprise.organisation.users.get()
    assert isinstance(user, User)
    return user


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD])
def test_the_district_confirms(pending, role):
    officer = user_for_role(role, district_code="310115")
    confirmed = enterprise_confirm(actor=officer, enterprise=pending)
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.CONFIRMED == confirmed.status
    assert pending.confirmed_by == officer and pending.confirmed_at is not None
    event = AuditEvent.objects.filter(action="enterprise.confirm").get()
    assert event.changes["status"] == {"before": "pending", "after": "confirmed"}


def test_another_districts_officer_does_not_find_the_enterprise(pending):
    xuhui = user_for_role(Role.DISTRICT_OFFICER, district_code="310104")
    with pytest.raises(Enterprise.DoesNotExist):
        enterprise_confirm(actor=xuhui, enterprise=pending)
    with pytest.raises(Enterprise.DoesNotExist):
        enterprise_reject(actor=xuhui, enterprise=pending, reason="信息不完整，请补充")
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        (Role.MUNICIPAL_OFFICER, "只有区经委经办人、区经委负责人可以确认企业注册信息。"),
        (Role.ENTERPRISE, "只有区经委经办人、区经委负责人可以确认企业注册信息。"),
    ],
)
def test_others_are_refused_with_the_reason(pending, role, reason):
    actor = first_user(pending) if role == Role.ENTERPRISE else user_for_role(role)
    with pytest.raises(PermissionRefused) as caught:
        enterprise_confirm(actor=actor, enterprise=pending)
    assert caught.value.reason == reason
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING


def test_only_a_pending_registration_is_decided(pending):
    officer = user_for_role(Role.DISTRICT_OFFICER)
    enterprise_confirm(actor=officer, enterprise=pending)
    with pytest.raises(ValidationError) as caught:
        enterprise_confirm(actor=officer, enterprise=pending)
    assert caught.value.messages == ["该企业当前为“已确认”，只有“待区确认”的企业可以确认企业注册信息。"]
    with pytest.raises(ValidationError):
        enterprise_reject(actor=officer, enterprise=pending, reason="营业收入与报表不符")
    assert (
        AuditEvent.objects.filter(action__startswith="enterprise.")
        .exclude(action="enterprise.register")
        .count()
        == 1
    )


@pytest.mark.parametrize("reason", ["", "   ", "不对"])
def test_a_rejection_needs_a_reason(pending, reason):
    with pytest.raises(ValidationError) as caught:
        enterprise_reject(actor=user_for_role(Role.DISTRICT_OFFICER), enterprise=pending, reason=reason)
    assert caught.value.message_dict["reason"] == ["请填写退回原因（至少 5 个字），告诉企业需要更正什么。"]
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING and pending.rejection_reason == ""


def test_rejected_then_corrected_is_pending_again_and_then_confirmed(pending):
    officer = user_for_role(Role.DISTRICT_OFFICER)
    enterprise_reject(actor=officer, enterprise=pending, reason="营业收入与上年度财务报表不符，请核实")
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.REJECTED
    assert pending.rejection_reason == "营业收入与上年度财务报表不符，请核实"

    user = first_user(pending)
    # Saving without a change leaves it rejected.
    enterprise_update_profile(actor=user, enterprise=pending, data={})
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.REJECTED

    enterprise_update_profile(actor=user, enterprise=pending, data={"operating_revenue": "28000.50"})
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING
    assert str(pending.operating_revenue) == "28000.50"
    event = AuditEvent.objects.filter(action="enterprise.resubmit").get()
    assert event.changes["status"] == {"before": "rejected", "after": "pending"}
    assert event.changes["operating_revenue"] == {"before": "36000.00", "after": "28000.50"}

    enterprise_confirm(actor=officer, enterprise=pending)
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.CONFIRMED and pending.rejection_reason == ""


def test_before_confirmation_the_name_code_and_district_may_be_corrected(pending):
    user = first_user(pending)
    new_code = registration_data()["credit_code"]
    enterprise_update_profile(
        actor=user, enterprise=pending, data={"name": "上海张江精工科技有限公司", "credit_code": new_code}
    )
    pending.refresh_from_db()
    assert (pending.name, pending.credit_code) == ("上海张江精工科技有限公司", new_code)
    organisation = pending.organisation
    organisation.refresh_from_db()
    assert (organisation.name, organisation.credit_code) == ("上海张江精工科技有限公司", new_code)


def test_after_confirmation_the_identity_is_fixed_but_contacts_change(pending):
    enterprise_confirm(actor=user_for_role(Role.DISTRICT_OFFICER), enterprise=pending)
    user = first_user(pending)
    with pytest.raises(ValidationError) as caught:
        enterprise_update_profile(
            actor=user, enterprise=pending, data={"name": "新名称有限公司", "district": "310104"}
        )
    errors = caught.value.message_dict
    assert errors["name"] == ["企业信息已经区经委确认，企业名称不能修改；如确需变更，请联系所在区经委。"]
    assert errors["district"] == ["企业信息已经区经委确认，所在区不能修改；如确需变更，请联系所在区经委。"]
    enterprise_update_profile(actor=user, enterprise=pending, data={"contact_phone": "13912345678"})
    pending.refresh_from_db()
    assert pending.contact_phone == "13912345678"
    assert pending.status == EnterpriseStatus.CONFIRMED
    assert pending.name != "新名称有限公司"


def test_only_the_enterprises_own_users_edit_its_profile(pending, other_district_users):
    with pytest.raises(PermissionRefused) as caught:
        enterprise_update_profile(actor=user_for_role(Role.DISTRICT_OFFICER), enterprise=pending, data={})
    assert caught.value.reason == "只有企业申报用户可以修改企业信息。"
    with pytest.raises(Enterprise.DoesNotExist):
        enterprise_update_profile(actor=other_district_users[Role.ENTERPRISE], enterprise=pending, data={})


def test_a_colleague_account_is_added_to_the_own_enterprise(pending):
    user = first_user(pending)
    colleague = enterprise_user_add(
        actor=user, username="zjjg_finance", password=GOOD_PASSWORD, display_name="刘芳", phone="13700000000"
    )
    assert (colleague.role, colleague.organisation_id) == (Role.ENTERPRISE, pending.organisation_id)
    assert colleague.check_password(GOOD_PASSWORD)
    assert pending.organisation.users.count() == 2
    assert AuditEvent.objects.filter(action="user.create", object_id=str(colleague.pk)).exists()


def test_adding_a_colleague_follows_the_account_rules(pending):
    user = first_user(pending)
    before = User.objects.count()
    with pytest.raises(ValidationError) as caught:
        enterprise_user_add(actor=user, username=user.username, password="short", display_name="")
    errors = caught.value.message_dict
    assert errors["username"] == [f"账号“{user.username}”已被使用，请换一个账号。"]
    assert "密码长度太短，至少需要 8 个字符。" in errors["password"]
    assert errors["display_name"] == ["请填写账号使用人的姓名。"]
    assert User.objects.count() == before


def test_officials_cannot_add_enterprise_accounts():
    with pytest.raises(PermissionRefused) as caught:
        enterprise_user_add(
            actor=user_for_role(Role.DISTRICT_OFFICER),
            username="x1",
            password=GOOD_PASSWORD,
            display_name="x",
        )
    assert caught.value.reason == "只有企业申报用户可以为本企业添加账号。"


def test_an_enterprise_has_at_most_twenty_accounts(pending):
    user = first_user(pending)
    for n in range(ENTERPRISE_MAX_USERS - 1):
        User.objects.create(username=f"bulk{n}", role=Role.ENTERPRISE, organisation=pending.organisation)
    with pytest.raises(ValidationError) as caught:
        enterprise_user_add(actor=user, username="one_more", password=GOOD_PASSWORD, display_name="多余")
    assert "最多 20 个账号" in caught.value.messages[0]
