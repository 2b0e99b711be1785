"""What each role sees through the enterprise selectors: exact sets, per role, in two districts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from jigai.accounts.choices import Role
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.enterprises.selectors import enterprise_get, enterprise_list
from jigai.reference.choices import EnterpriseSize
from jigai.reference.models import Industry

pytestmark = pytest.mark.django_db

CITY_WIDE = [
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
]
NO_BUSINESS_DATA = [Role.EXPERT, Role.AUDITOR, Role.SYSADMIN, Role.SECADMIN]


@pytest.fixture
def world(role_users, other_district_users):
    """Enterprises in 浦东新区 (the role users' district) and in 徐汇区."""
    own = role_users[Role.ENTERPRISE].organisation.enterprise
    xuhui_own = other_district_users[Role.ENTERPRISE].organisation.enterprise
    return {
        "users": role_users,
        "xuhui_users": other_district_users,
        "pudong": {
            own.pk,
            EnterpriseFactory.create(district_code="310115").pk,
            EnterpriseFactory.create(district_code="310115").pk,
        },
        "xuhui": {xuhui_own.pk, EnterpriseFactory.create(district_code="310104").pk},
        "own": own,
        "xuhui_own": xuhui_own,
    }


def ids(qs: QuerySet[Any]) -> set[int]:
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize("role", CITY_WIDE)
def test_city_wide_roles_see_every_enterprise(world, role):
    assert ids(enterprise_list(actor=world["users"][role])) == world["pudong"] | world["xuhui"]


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD])
def test_district_roles_see_their_district_only(world, role):
    assert ids(enterprise_list(actor=world["users"][role])) == world["pudong"]


def test_a_district_officer_of_another_district_sees_that_district(world):
    assert ids(enterprise_list(actor=world["xuhui_users"][Role.DISTRICT_OFFICER])) == world["xuhui"]


def test_an_enterprise_sees_only_itself(world):
    assert ids(enterprise_list(actor=world["users"][Role.ENTERPRISE])) == {world["own"].pk}
    assert ids(enterprise_list(actor=world["xuhui_users"][Role.ENTERPRISE])) == {world["xuhui_own"].pk}


@pytest.mark.parametrize("role", NO_BUSINESS_DATA)
def test_experts_and_the_three_administrators_see_no_enterprise(world, role):
    assert ids(enterprise_list(actor=world["users"][role])) == set()


def test_anonymous_and_inactive_users_see_nothing(world):
    assert ids(enterprise_list(actor=AnonymousUser())) == set()
    officer = world["users"][Role.MUNICIPAL_OFFICER]
    officer.is_active = False
    assert ids(enterprise_list(actor=officer)) == set()


def test_a_district_user_without_a_district_sees_nothing(world):
    # A district role attached to an organisation that is not a bureau has no district: nothing,
    # never everything.
    stray = user_for_role(Role.MUNICIPAL_OFFICER)
    stray.role = Role.DISTRICT_OFFICER
    assert stray.district_id is None
    assert ids(enterprise_list(actor=stray)) == set()


def test_enterprise_get_outside_the_scope_does_not_exist(world):
    officer = world["users"][Role.DISTRICT_OFFICER]
    inside = next(iter(world["pudong"]))
    assert enterprise_get(actor=officer, pk=inside).pk == inside
    for pk in world["xuhui"]:
        with pytest.raises(Enterprise.DoesNotExist):
            enterprise_get(actor=officer, pk=pk)


def test_filters_never_widen_the_scope(world):
    officer = world["users"][Role.DISTRICT_OFFICER]
    assert ids(enterprise_list(actor=officer, district="310104")) == set()
    xuhui_name = Enterprise.objects.get(pk=world["xuhui_own"].pk).name
    assert ids(enterprise_list(actor=officer, q=xuhui_name)) == set()


def test_filters(world):
    actor = world["users"][Role.MUNICIPAL_OFFICER]
    small = EnterpriseFactory.create(
        district_code="310104",
        employees=50,
        operating_revenue=Decimal("800.00"),
        status=EnterpriseStatus.PENDING,
        industry=Industry.objects.get(code="39"),
    )
    assert small.size == EnterpriseSize.SMALL
    assert ids(enterprise_list(actor=actor, district="310104")) == world["xuhui"] | {small.pk}
    assert ids(enterprise_list(actor=actor, size=EnterpriseSize.SMALL)) == {small.pk}
    assert ids(enterprise_list(actor=actor, status=EnterpriseStatus.PENDING)) == {small.pk}
    assert ids(enterprise_list(actor=actor, industry="39")) == {small.pk}
    assert ids(enterprise_list(actor=actor, industry="C")) == world["pudong"] | world["xuhui"] | {small.pk}
    assert ids(enterprise_list(actor=actor, industry="I")) == set()
    assert ids(enterprise_list(actor=actor, q=small.credit_code.lower())) == {small.pk}
    assert ids(enterprise_list(actor=actor, q=f"  {small.name[-6:]} ")) == {small.pk}


def test_order_is_stable_by_name_then_id(world):
    actor = world["users"][Role.MUNICIPAL_OFFICER]
    first, second = (EnterpriseFactory.create(name="上海同名机械有限公司") for _ in range(2))
    rows = list(enterprise_list(actor=actor).values_list("name", "pk"))
    assert rows == sorted(rows)
    assert [pk for name, pk in rows if name == "上海同名机械有限公司"] == [first.pk, second.pk]
