"""Credit-code exceptions (rules.md §4): an official accepts an early code that fails the check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.enterprises.models import CreditCodeException
from jigai.enterprises.services import credit_code_acceptable, credit_code_exception_accept
from jigai.reference.selectors import credit_code_exception_list

pytestmark = pytest.mark.django_db

VALID = "91310000132149237G"
FAILING = "91310000132149237H"  # right shape, wrong check character
REASON = "已核对营业执照原件，该代码为早期赋码，与登记机关记录一致。"
ALLOWED = [Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD]


@pytest.mark.parametrize("role", ALLOWED)
def test_officials_accept_a_failing_code_with_a_reason(role_users, role):
    actor = role_users[role]
    exception = credit_code_exception_accept(actor=actor, code=FAILING, reason=REASON)
    assert exception.code == FAILING
    assert exception.reason == REASON
    assert exception.accepted_by == actor
    event = AuditEvent.objects.get(action="credit_code_exception.accept")
    assert event.actor_id == actor.pk
    assert event.object_id == str(exception.pk)
    assert event.outcome == Outcome.SUCCESS
    assert event.changes["reason"]["after"] == REASON
    assert "第 18 位校验码" in event.message


@pytest.mark.parametrize("role", sorted(set(Role.values) - set(ALLOWED)))
def test_other_roles_are_refused_and_nothing_is_stored(role_users, role):
    with pytest.raises(PermissionRefused) as refused:
        credit_code_exception_accept(actor=role_users[role], code=FAILING, reason=REASON)
    assert (
        "只有区经委经办人、区经委负责人、市经信委经办人、市经信委负责人可以管理信用代码校验例外"
        in refused.value.reason
    )
    assert not CreditCodeException.objects.exists()


def test_anonymous_is_refused():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionRefused, match="请先登录"):
        credit_code_exception_accept(actor=AnonymousUser(), code=FAILING, reason=REASON)


def test_the_code_is_normalised(role_users):
    exception = credit_code_exception_accept(
        actor=role_users[Role.MUNICIPAL_OFFICER], code=" 91310000132149237h ", reason=REASON
    )
    assert exception.code == FAILING


def test_a_valid_code_is_refused(role_users):
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(actor=role_users[Role.MUNICIPAL_OFFICER], code=VALID, reason=REASON)
    assert error.value.message_dict == {"code": [f"代码 {VALID} 通过了国家标准校验，无需作为例外接受。"]}
    assert not CreditCodeException.objects.exists()
    assert not AuditEvent.objects.filter(action="credit_code_exception.accept").exists()


@pytest.mark.parametrize(
    "code",
    ["9131000013214923", "91310000132149237GG", "91310000I32149237G", "91310000-132149237"],
)
def test_a_code_without_the_shape_is_refused(role_users, code):
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(actor=role_users[Role.DISTRICT_OFFICER], code=code, reason=REASON)
    message = error.value.message_dict["code"][0]
    assert "不是统一社会信用代码的格式" in message
    assert "不能作为例外接受" in message
    assert not CreditCodeException.objects.exists()


def test_an_empty_code_is_refused(role_users):
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(actor=role_users[Role.DISTRICT_OFFICER], code="  ", reason=REASON)
    assert error.value.message_dict["code"] == ["请填写统一社会信用代码。"]


@pytest.mark.parametrize("reason", ["", "         ", "太短了", "早期赋码，已核对"])
def test_a_reason_shorter_than_10_characters_is_refused(role_users, reason):
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(actor=role_users[Role.DISTRICT_HEAD], code=FAILING, reason=reason)
    assert error.value.message_dict == {
        "reason": ["请说明接受理由（至少 10 个字），例如核对营业执照原件的情况。"]
    }
    assert not CreditCodeException.objects.exists()


def test_a_reason_of_exactly_10_characters_is_enough(role_users):
    credit_code_exception_accept(
        actor=role_users[Role.DISTRICT_HEAD], code=FAILING, reason="一二三四五六七八九十"
    )
    assert CreditCodeException.objects.count() == 1


def test_code_and_reason_errors_are_reported_together(role_users):
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(actor=role_users[Role.DISTRICT_HEAD], code=VALID, reason="短")
    assert set(error.value.message_dict) == {"code", "reason"}


def test_a_duplicate_is_refused_with_who_and_when(role_users):
    first = role_users[Role.DISTRICT_OFFICER]
    credit_code_exception_accept(actor=first, code=FAILING, reason=REASON)
    with pytest.raises(ValidationError) as error:
        credit_code_exception_accept(
            actor=role_users[Role.MUNICIPAL_HEAD], code=FAILING.lower(), reason="另一理由，再次核对营业执照。"
        )
    message = error.value.message_dict["code"][0]
    assert message.startswith(f"代码 {FAILING} 已于 ")
    assert f"由 {first} 接受为例外，无需重复接受。" in message
    assert CreditCodeException.objects.count() == 1
    assert AuditEvent.objects.filter(action="credit_code_exception.accept").count() == 1


# --- credit_code_acceptable -----------------------------------------------------------------
def test_a_valid_code_is_acceptable_without_an_exception():
    result = credit_code_acceptable(VALID)
    assert result.valid
    assert result.errors == []


def test_a_failing_code_without_an_exception_is_not_acceptable():
    result = credit_code_acceptable(FAILING)
    assert not result.valid
    assert result.errors == ["第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"]


def test_a_failing_code_with_an_exception_is_acceptable_and_says_so(role_users):
    officer = role_users[Role.DISTRICT_OFFICER]
    credit_code_exception_accept(actor=officer, code=FAILING, reason=REASON)
    result = credit_code_acceptable(FAILING.lower())
    assert result.valid
    assert result.code == FAILING
    assert result.errors == []
    assert result.warnings[0] == "第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"
    assert f"由 {officer} 作为例外接受，理由：{REASON}" in result.warnings[-1]


def test_an_exception_covers_only_its_own_code(role_users):
    credit_code_exception_accept(actor=role_users[Role.DISTRICT_OFFICER], code=FAILING, reason=REASON)
    assert not credit_code_acceptable("91310000132149237J").valid


def test_garbage_is_not_acceptable_and_does_not_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        result = credit_code_acceptable("not a code")
    assert not result.valid


# --- the list selector ----------------------------------------------------------------------
def test_the_list_is_for_the_allowed_roles_only(role_users):
    credit_code_exception_accept(actor=role_users[Role.MUNICIPAL_OFFICER], code=FAILING, reason=REASON)
    for role, user in role_users.items():
        codes = list(credit_code_exception_list(actor=user).values_list("code", flat=True))
        assert codes == ([FAILING] if role in ALLOWED else []), role


def test_the_list_is_city_wide_for_district_officers(role_users, other_district_users):
    # An exception is a fact about a code, not about a district's enterprise: every district sees it.
    credit_code_exception_accept(actor=role_users[Role.DISTRICT_OFFICER], code=FAILING, reason=REASON)
    xuhui = other_district_users[Role.DISTRICT_OFFICER]
    assert list(credit_code_exception_list(actor=xuhui).values_list("code", flat=True)) == [FAILING]
    assert not credit_code_exception_list(actor=other_district_users[Role.ENTERPRISE]).exists()
