"""What each role sees through the accounts selectors: exact sets, per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import ApiToken, Organisation, User
from jigai.accounts.selectors import api_token_list, organisation_list, user_list
from jigai.accounts.services import api_token_create
from jigai.core.testing.factories import EnterpriseFactory, district_bureau

pytestmark = pytest.mark.django_db

CITY_WIDE = [
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
]


@pytest.fixture
def world(role_users, other_district_users):
    """Role users (浦东新区), a second 浦东 enterprise, a 徐汇区 enterprise user and officer."""
    return {
        "pudong_enterprise": EnterpriseFactory.create(district_code="310115"),
        "xuhui_bureau": district_bureau("310104"),
        **role_users,
        "xuhui_enterprise_user": other_district_users[Role.ENTERPRISE],
        "xuhui_officer": other_district_users[Role.DISTRICT_OFFICER],
    }


def ids(qs: QuerySet[Any]) -> set[int]:
    return set(qs.values_list("pk", flat=True))


# --- organisation_list -------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.SYSADMIN, *CITY_WIDE])
def test_sysadmin_and_city_wide_roles_see_every_organisation(world, role):
    assert ids(organisation_list(actor=world[role])) == ids(Organisation.objects.all())


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD])
def test_district_roles_see_the_organisations_of_their_district(world, role):
    expected = {
        district_bureau("310115").pk,
        world[Role.DISTRICT_FINANCE_OFFICER].organisation_id,  # 浦东新区财政局
        world[Role.ENTERPRISE].organisation_id,
        world["pudong_enterprise"].organisation_id,
    }
    assert ids(organisation_list(actor=world[role])) == expected
    assert ids(organisation_list(actor=world["xuhui_officer"])) == {
        world["xuhui_bureau"].pk,
        world["xuhui_enterprise_user"].organisation_id,
    }


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT])
def test_enterprise_and_expert_see_only_their_own_organisation(world, role):
    assert ids(organisation_list(actor=world[role])) == {world[role].organisation_id}


@pytest.mark.parametrize("role", [Role.SECADMIN, Role.AUDITOR])
def test_security_administrator_and_auditor_see_no_organisation(world, role):
    assert ids(organisation_list(actor=world[role])) == set()


def test_organisation_list_filters(world):
    actor = world[Role.MUNICIPAL_OFFICER]
    enterprise = world["pudong_enterprise"]
    bureaus = organisation_list(actor=actor, kind=OrganisationKind.DISTRICT_BUREAU)
    assert ids(bureaus) == {district_bureau("310115").pk, world["xuhui_bureau"].pk}
    xuhui = organisation_list(actor=actor, district="310104")
    assert ids(xuhui) == {world["xuhui_bureau"].pk, world["xuhui_enterprise_user"].organisation_id}
    assert ids(organisation_list(actor=actor, q=enterprise.credit_code.lower())) == {
        enterprise.organisation_id
    }
    assert ids(organisation_list(actor=actor, q="财政")) == {
        world[Role.FINANCE_OFFICER].organisation_id,
        world[Role.DISTRICT_FINANCE_OFFICER].organisation_id,
    }
    # Filters never widen the scope.
    assert ids(organisation_list(actor=world[Role.DISTRICT_OFFICER], district="310104")) == set()


# --- user_list ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN])
def test_account_administrators_see_every_account(world, role):
    assert ids(user_list(actor=world[role])) == ids(User.objects.all())


@pytest.mark.parametrize("role", [r for r in Role.values if r not in {Role.SYSADMIN, Role.SECADMIN}])
def test_no_other_role_sees_accounts(world, role):
    assert ids(user_list(actor=world[role])) == set()


def test_inactive_administrator_and_anonymous_see_nothing(world):
    sysadmin = world[Role.SYSADMIN]
    sysadmin.is_active = False
    assert ids(user_list(actor=sysadmin)) == set()
    assert ids(user_list(actor=AnonymousUser())) == set()
    assert ids(organisation_list(actor=AnonymousUser())) == set()
    assert ids(api_token_list(actor=AnonymousUser())) == set()


def test_user_list_filters(world):
    actor = world[Role.SECADMIN]
    assert ids(user_list(actor=actor, role=Role.DISTRICT_OFFICER)) == {
        world[Role.DISTRICT_OFFICER].pk,
        world["xuhui_officer"].pk,
    }
    assert ids(user_list(actor=actor, organisation=district_bureau("310115").pk)) == {
        world[Role.DISTRICT_OFFICER].pk,
        world[Role.DISTRICT_HEAD].pk,
    }
    expert = world[Role.EXPERT]
    assert ids(user_list(actor=actor, q=expert.username.upper())) == {expert.pk}
    assert ids(user_list(actor=actor, q=expert.display_name)) == {expert.pk}
    ordered = list(user_list(actor=actor).values_list("username", flat=True))
    assert ordered == sorted(ordered)


# --- api_token_list ----------------------------------------------------------------------------
@pytest.fixture
def tokens(world) -> dict[str, ApiToken]:
    return {
        role: api_token_create(actor=world[role], name=f"{role} 的令牌", days=30)[0] for role in Role.values
    }


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SECADMIN])
def test_each_user_sees_only_their_own_tokens(world, tokens, role):
    assert ids(api_token_list(actor=world[role])) == {tokens[role].pk}


def test_security_administrator_sees_every_token(world, tokens):
    assert ids(api_token_list(actor=world[Role.SECADMIN])) == {t.pk for t in tokens.values()}
