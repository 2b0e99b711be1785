"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import random
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import Organisation, User
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.reference.codes import generate_credit_code
from jigai.reference.models import District, Industry
from jigai.reference.sizes import classify_enterprise_size

TEST_PASSWORD = "Jigai#2026test"
_rng = random.Random(20260120)


def district(code: str = "310115") -> District:
    return District.objects.get(code=code)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrganisationKind.INSTITUTION


def district_bureau(code: str = "310115") -> Organisation:
    d = district(code)
    org, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DISTRICT_BUREAU, district=d, defaults={"name": f"{d.name}经济委员会"}
    )
    return org


def singleton_org(kind: str, name: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(kind=kind, name=name)
    return org


class EnterpriseFactory(DjangoModelFactory):
    """An enterprise with its organisation, a valid credit code, in Pudong unless told otherwise."""

    class Meta:
        model = Enterprise

    class Params:
        district_code = "310115"

    name = factory.Sequence(lambda n: f"上海测试智能制造有限公司{n}")
    district = factory.LazyAttribute(lambda o: District.objects.get(code=o.district_code))
    credit_code = factory.LazyAttribute(lambda o: generate_credit_code(_rng, division=o.district_code))
    organisation = factory.LazyAttribute(
        lambda o: Organisation.objects.create(
            name=o.name, kind=OrganisationKind.ENTERPRISE, credit_code=o.credit_code, district=o.district
        )
    )
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="34"))
    address = "上海市浦东新区张江路 1 号"
    employees = 350
    operating_revenue = Decimal("52000.00")
    size = factory.LazyAttribute(lambda o: classify_enterprise_size(o.employees, o.operating_revenue))
    legal_representative = "张伟"
    status = EnterpriseStatus.CONFIRMED


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.MUNICIPAL_OFFICER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


def user_for_role(role: str, *, district_code: str = "310115", enterprise: Enterprise | None = None,
                  username: str | None = None) -> User:
    """A user of ``role`` in a fitting organisation (district roles in ``district_code``)."""
    org: Organisation
    if role == Role.ENTERPRISE:
        org = (enterprise or EnterpriseFactory(district_code=district_code)).organisation
    elif role in (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD):
        org = district_bureau(district_code)
    elif role == Role.FINANCE_OFFICER:
        org = singleton_org(OrganisationKind.FINANCE_BUREAU, "上海市财政局")
    elif role == Role.NDRC_VIEWER:
        org = singleton_org(OrganisationKind.NDRC, "上海市发展和改革委员会")
    elif role == Role.EXPERT:
        org = singleton_org(OrganisationKind.INSTITUTION, "上海交通大学")
    else:
        org = singleton_org(OrganisationKind.MUNICIPAL_COMMISSION, "上海市经济和信息化委员会")
    kwargs = {"role": role, "organisation": org}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)
