"""The demo generator is deterministic and produces data the platform's own checks accept."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from jigai.accounts.choices import ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from jigai.demo.accounts import DEMO_ACCOUNTS, DEMO_ACCOUNTS_BY_ROLE, DEMO_PASSWORD
from jigai.demo.generators import DISTRICT_NAMES, DemoGenerator
from jigai.reference.codes import check_credit_code
from jigai.reference.data import DISTRICTS, MANUFACTURING_DIVISIONS
from jigai.reference.sizes import classify_enterprise_size

SAMPLE = 2000


@pytest.fixture(scope="module")
def sample():
    generator = DemoGenerator(42)
    organisations = generator.organisations()
    enterprises = list(generator.enterprises(SAMPLE))
    people = generator.people(enterprise_count=SAMPLE, enterprise_users=40)
    return organisations, enterprises, people


def _everything(seed: int, count: int):
    generator = DemoGenerator(seed)
    return (
        generator.organisations(),
        list(generator.enterprises(count)),
        generator.people(enterprise_count=count, enterprise_users=10),
    )


def test_same_seed_gives_the_same_data():
    first, second = _everything(7, 50), _everything(7, 50)
    assert first == second
    assert [e.name for e in first[1]] == [e.name for e in second[1]]
    assert [e.credit_code for e in first[1]] == [e.credit_code for e in second[1]]


def test_another_seed_gives_other_data():
    names_7 = {e.name for e in _everything(7, 50)[1]}
    names_8 = {e.name for e in _everything(8, 50)[1]}
    assert len(names_7 & names_8) < 5


def test_generation_leaves_the_global_random_state_alone():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    _everything(7, 20)
    assert random.random() == expected


def test_the_first_enterprises_do_not_depend_on_how_many_are_generated():
    few = list(DemoGenerator(42).enterprises(10))
    many = list(DemoGenerator(42).enterprises(200))
    assert few == many[:10]


def test_asking_the_same_generator_twice_gives_the_same_enterprises():
    generator = DemoGenerator(42)
    generator.organisations()
    assert list(generator.enterprises(30)) == list(generator.enterprises(30))


def test_every_credit_code_is_valid_and_unique(sample):
    organisations, enterprises, _people = sample
    codes = [o.credit_code for o in organisations] + [e.credit_code for e in enterprises]
    assert all(code is not None and check_credit_code(code).valid for code in codes)
    assert len(set(codes)) == len(codes)


def test_credit_codes_carry_the_district_division_code(sample):
    organisations, enterprises, _people = sample
    for e in enterprises:
        assert e.credit_code.startswith("91" + e.district_code), e
    bureaus = [o for o in organisations if o.kind == OrganisationKind.DISTRICT_BUREAU]
    assert all(o.credit_code and o.credit_code.startswith("11" + str(o.district_code)) for o in bureaus)


def test_enterprises_are_manufacturers_in_real_districts(sample):
    _organisations, enterprises, _people = sample
    districts = {code for code, _name, _en in DISTRICTS}
    divisions = {code for code, _name in MANUFACTURING_DIVISIONS}
    for e in enterprises:
        assert e.district_code in districts
        assert e.address.startswith(f"上海市{DISTRICT_NAMES[e.district_code]}")
        assert e.industry_code in divisions
        assert e.name.endswith("公司") and "上海" in e.name
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert enterprises[0].district_code == "310115"  # the demo enterprise is in 浦东新区


def test_the_weighted_divisions_dominate(sample):
    _organisations, enterprises, _people = sample
    counts = Counter(e.industry_code for e in enterprises)
    favoured = sum(counts[code] for code in ("34", "35", "36", "38", "39", "26", "27"))
    assert favoured / len(enterprises) > 0.6
    assert counts["34"] > counts["16"]
    assert Counter(e.district_code for e in enterprises).most_common(1)[0][0] == "310115"


def test_sizes_agree_with_the_classifier_and_spread(sample):
    _organisations, enterprises, _people = sample
    for e in enterprises:
        assert isinstance(e.operating_revenue, Decimal)
        assert e.operating_revenue == e.operating_revenue.quantize(Decimal("0.01"))
        assert e.size == classify_enterprise_size(e.employees, e.operating_revenue)
    sizes = Counter(e.size for e in enterprises)
    assert set(sizes) == {"large", "medium", "small", "micro"}
    assert sizes["small"] > sizes["medium"] > sizes["large"]


def test_most_enterprises_are_confirmed_and_some_pending(sample):
    _organisations, enterprises, _people = sample
    statuses = Counter(e.status for e in enterprises)
    assert statuses["confirmed"] / len(enterprises) > 0.85
    assert statuses["pending"] > 0
    assert enterprises[0].status == "confirmed"


def test_public_bodies_bureaus_firms_and_institutes(sample):
    organisations, _enterprises, _people = sample
    by_kind = Counter(o.kind for o in organisations)
    assert by_kind[OrganisationKind.DISTRICT_BUREAU] == 16
    assert {o.district_code for o in organisations if o.kind == OrganisationKind.DISTRICT_BUREAU} == {
        code for code, _name, _en in DISTRICTS
    }
    names = {o.name for o in organisations}
    assert {
        "上海市经济和信息化委员会",
        "上海市财政局",
        "上海市发展和改革委员会",
        "浦东新区科技和经济委员会",
    } <= names
    assert by_kind[OrganisationKind.EVALUATOR] >= 3
    assert any("会计师事务所" in o.name for o in organisations)
    assert by_kind[OrganisationKind.INSTITUTION] >= 5


def test_people_cover_every_role_and_district(sample):
    organisations, _enterprises, people = sample
    kinds = {o.key: o.kind for o in organisations}
    usernames = [p.username for p in people]
    assert len(usernames) == len(set(usernames))
    assert {p.role for p in people} == set(Role.values)
    assert {a.username for a in DEMO_ACCOUNTS} <= set(usernames)
    assert sum(p.role == Role.DISTRICT_OFFICER for p in people) == 16
    assert sum(p.role == Role.DISTRICT_HEAD for p in people) == 16
    experts = [p for p in people if p.role == Role.EXPERT]
    assert len(experts) == 30
    assert any(p.organisation_key.startswith("enterprise:") for p in experts)
    enterprise_users = {p.organisation_key for p in people if p.role == Role.ENTERPRISE}
    assert enterprise_users == {f"enterprise:{i}" for i in range(40)}
    for p in people:
        if not p.organisation_key.startswith("enterprise:"):
            assert kinds[p.organisation_key] in ROLE_ORGANISATION_KINDS[p.role], p
        assert p.display_name and p.phone


def test_every_role_has_one_named_demo_login():
    assert set(DEMO_ACCOUNTS_BY_ROLE) == set(Role.values)
    assert len(DEMO_ACCOUNTS) == len(Role.values)
    assert any(c.isupper() for c in DEMO_PASSWORD) and any(c.isdigit() for c in DEMO_PASSWORD)
