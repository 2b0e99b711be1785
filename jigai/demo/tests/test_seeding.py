"""Seeding the database: what officials and testers find after ``seed_demo`` / ``setup_demo``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jigai.accounts.choices import ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.audit.models import AuditEvent
from jigai.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from jigai.demo.generators import DemoGenerator
from jigai.demo.services import demo_seed
from jigai.enterprises.models import Enterprise
from jigai.reference.codes import check_credit_code
from jigai.reference.sizes import classify_enterprise_size

pytestmark = pytest.mark.django_db

COUNT = 50


@pytest.fixture
def seeded():
    return demo_seed(seed=42, enterprises=COUNT, enterprise_users=10)


def test_database_holds_what_the_generator_produces(seeded):
    expected = list(DemoGenerator(42).enterprises(COUNT))
    stored = {e.credit_code: e for e in Enterprise.objects.select_related("organisation")}
    assert len(stored) == COUNT
    for spec in expected:
        e = stored[spec.credit_code]
        assert (e.name, e.district_id, e.industry_id, e.employees, e.operating_revenue, e.size, e.status) == (
            spec.name,
            spec.district_code,
            spec.industry_code,
            spec.employees,
            spec.operating_revenue,
            spec.size,
            spec.status,
        )
        assert e.organisation.kind == OrganisationKind.ENTERPRISE
        assert e.organisation.credit_code == e.credit_code
        assert e.organisation.district_id == e.district_id
        assert e.size == classify_enterprise_size(e.employees, e.operating_revenue)
    assert all(check_credit_code(c).valid for c in Organisation.objects.values_list("credit_code", flat=True))
    assert seeded.enterprises == COUNT
    assert seeded.users == User.objects.count()
    assert seeded.organisations == Organisation.objects.count()


def test_each_district_has_its_bureau_with_an_officer_and_a_head(seeded):
    bureaus = Organisation.objects.filter(kind=OrganisationKind.DISTRICT_BUREAU)
    assert bureaus.count() == 16
    for bureau in bureaus:
        roles = sorted(bureau.users.values_list("role", flat=True))
        assert roles == [Role.DISTRICT_HEAD, Role.DISTRICT_OFFICER]
    assert User.objects.get(username="district_pd").district_id == "310115"
    assert User.objects.get(username="district_mh_head").district_id == "310112"


def test_every_demo_login_signs_in_with_the_shared_password(seeded, client):
    for account in DEMO_ACCOUNTS:
        user = User.objects.select_related("organisation").get(username=account.username)
        assert user.role == account.role
        assert user.organisation is not None
        assert user.organisation.kind in ROLE_ORGANISATION_KINDS[user.role]
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        client.logout()
    assert client.login(username="ent000003", password=DEMO_PASSWORD)
    assert not client.login(username="municipal", password="wrong-Password1")


def test_the_demo_enterprise_is_confirmed_in_pudong(seeded):
    user = User.objects.get(username="enterprise_demo")
    enterprise = Enterprise.objects.get(organisation=user.organisation)
    assert enterprise.district_id == "310115"
    assert enterprise.status == "confirmed"
    assert (
        Enterprise.objects.visible_to(User.objects.get(username="district_pd"))
        .filter(pk=enterprise.pk)
        .exists()
    )


def test_named_accounts_are_audited_one_by_one_and_the_rest_by_one_summary(seeded):
    created = AuditEvent.objects.filter(action="user.create")
    assert set(created.values_list("object_repr", flat=True)) >= {
        str(User.objects.get(username=a.username)) for a in DEMO_ACCOUNTS
    }
    assert created.count() == len(DEMO_ACCOUNTS)
    by_sysadmin = created.filter(actor_username="sysadmin").count()
    assert by_sysadmin == len(DEMO_ACCOUNTS) - 3  # the three administrators come from the command line
    summary = AuditEvent.objects.get(action="demo.seed")
    assert summary.changes["enterprises"] == {"before": 0, "after": COUNT}
    assert "50 家企业" in summary.message


def test_refuses_to_seed_a_database_that_has_data(seeded):
    with pytest.raises(ValidationError) as exc:
        demo_seed(seed=1, enterprises=5, enterprise_users=0)
    assert "已有用户" in exc.value.messages[0]
    assert Enterprise.objects.count() == COUNT


def test_refuses_nonsense_counts():
    with pytest.raises(ValidationError) as exc:
        demo_seed(seed=1, enterprises=0, enterprise_users=0)
    assert exc.value.messages == ["企业数量至少为 1。"]
    assert not User.objects.exists()
