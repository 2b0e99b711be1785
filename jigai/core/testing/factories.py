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


def district_finance_bureau(code: str = "310115") -> Organisation:
    d = district(code)
    org, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DISTRICT_FINANCE_BUREAU, district=d, defaults={"name": f"{d.name}财政局"}
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
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def user_for_role(
    role: str,
    *,
    district_code: str = "310115",
    enterprise: Enterprise | None = None,
    username: str | None = None,
) -> User:
    """A user of ``role`` in a fitting organisation (district roles in ``district_code``)."""
    org: Organisation
    if role == Role.ENTERPRISE:
        org = (enterprise or EnterpriseFactory.create(district_code=district_code)).organisation
    elif role in (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD):
        org = district_bureau(district_code)
    elif role == Role.DISTRICT_FINANCE_OFFICER:
        org = district_finance_bureau(district_code)
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
    user: User = UserFactory.create(**kwargs)
    return user


# === Catalog and calls (owned by the catalog/calls apps) ======================================
# published_catalog(), open_call(**overrides), closed_call(**overrides), draft_call(), draft_catalog()
from typing import Any  # noqa: E402

from jigai.calls.models import Call  # noqa: E402
from jigai.catalog.choices import CatalogStatus  # noqa: E402
from jigai.catalog.models import CatalogVersion  # noqa: E402


def municipal_user(role: str = Role.MUNICIPAL_OFFICER) -> User:
    """The commission's officer (drafts) or head (publishes), created once per test database."""
    existing = User.objects.filter(role=role, username=f"factory_{role}").first()
    return existing or user_for_role(role, username=f"factory_{role}")


def draft_catalog(*, year: int = 2026, title: str = "", with_defaults: bool = True) -> CatalogVersion:
    """A draft catalog version, filled with the default tree unless told otherwise."""
    from jigai.catalog.defaults import default_catalog_items
    from jigai.catalog.services import catalog_version_create

    return catalog_version_create(
        actor=municipal_user(),
        year=year,
        title=title or f"{year}年上海市重点技术改造支持目录",
        rows=default_catalog_items() if with_defaults else None,
    )


def published_catalog(*, year: int = 2026) -> CatalogVersion:
    """The published catalog of ``year`` (the default tree), made and published the first time it
    is asked for; later calls return the same version rather than superseding it."""
    from jigai.catalog.services import catalog_version_publish

    existing = CatalogVersion.objects.filter(year=year, status=CatalogStatus.PUBLISHED).first()
    if existing is not None:
        return existing
    return catalog_version_publish(
        actor=municipal_user(Role.MUNICIPAL_HEAD), version=draft_catalog(year=year)
    )


_CALL_FIELDS = {
    "title",
    "year",
    "document_number",
    "description",
    "opens_at",
    "closes_at",
    "district_forward_date",
    "budget",
    "direction_codes",
    "catalog_version",
}


def draft_call(**overrides: Any) -> Call:
    """A draft call on the published catalog with the default (2026) rules and window.

    Overrides may name call fields (``opens_at``, ``closes_at``, ``direction_codes``…) and rule
    fields (``min_total_investment``, ``support_rate``, ``cap_per_project``…)."""
    from jigai.calls import defaults
    from jigai.calls.rules import RULE_FIELDS
    from jigai.calls.services import call_create, call_rules_update

    rule_values = {k: overrides.pop(k) for k in list(overrides) if k in RULE_FIELDS}
    unknown = set(overrides) - _CALL_FIELDS
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    values: dict[str, Any] = {
        "catalog_version": overrides.pop("catalog_version", None) or published_catalog(),
        "title": defaults.CALL_2026_TITLE,
        "opens_at": defaults.CALL_2026_OPENS_AT,
        "closes_at": defaults.CALL_2026_CLOSES_AT,
        "district_forward_date": defaults.CALL_2026_DISTRICT_FORWARD_DATE,
        **overrides,
    }
    call = call_create(actor=municipal_user(), **values)
    if rule_values:
        call_rules_update(actor=municipal_user(), call=call, values=rule_values)
    call.refresh_from_db()
    return call


def _published(call: Call) -> Call:
    from jigai.calls.services import call_publish

    return call_publish(actor=municipal_user(Role.MUNICIPAL_HEAD), call=call)


def open_call(**overrides: Any) -> Call:
    """A published call open now (opened 5 days ago, closes in 10 days), default rules.
    Accepts the overrides of :func:`draft_call`."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    overrides.setdefault("opens_at", now - timedelta(days=5))
    overrides.setdefault("closes_at", now + timedelta(days=10))
    if "district_forward_date" not in overrides:
        closing_day = timezone.localtime(overrides["closes_at"]).date()
        overrides["district_forward_date"] = closing_day + timedelta(days=2)
    overrides.setdefault("title", "关于组织申报上海市重点技术改造专项资金项目的通知（测试批次）")
    overrides.setdefault("year", timezone.localtime(overrides["opens_at"]).year)
    return _published(draft_call(**overrides))


def closed_call(**overrides: Any) -> Call:
    """The published 2026 call: window 2026-01-20 00:00 to 2026-02-04 16:00 Shanghai time, districts
    forward by 2026-02-06 (closed whenever the tests run after that)."""
    return _published(draft_call(**overrides))
