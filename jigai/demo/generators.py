"""Deterministic demo and benchmark data: Shanghai manufacturers, the public bodies that run the
programme, and the people who use the platform.

Everything here is pure: :class:`DemoGenerator` returns plain specs and touches no database, so
the same seed gives the same names and codes on any machine and any database
(``jigai.demo.services.demo_seed`` writes them). Each kind of data draws from its own random
stream (``random.Random`` and ``Faker("zh_CN")`` seeded from the seed and the stream's name), so
the first enterprises are the same whether 50 or 100,000 are generated, and no global random state
is used or disturbed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider

from jigai.accounts.choices import OrganisationKind, Role
from jigai.demo import vocabulary as words
from jigai.demo.accounts import (
    DEMO_ACCOUNTS_BY_ROLE,
    DEMO_DISTRICT,
    SECOND_FINANCE_DISTRICT,
    district_finance_username,
    district_head_username,
    district_officer_username,
)
from jigai.enterprises.choices import EnterpriseStatus
from jigai.reference.codes import generate_credit_code
from jigai.reference.data import DISTRICTS
from jigai.reference.sizes import classify_enterprise_size

DISTRICT_NAMES: dict[str, str] = {code: name for code, name, _en in DISTRICTS}
SHANGHAI_DIVISION = "310000"
EXPERT_COUNT = 30  # expert_demo and expert_01 … expert_29
EXPERTS_AT_ENTERPRISES = 5
EXPERTS_AT_EVALUATORS = 3
EVALUATOR_DISTRICTS = ("310101", "310104", "310106", "310115")
CONFIRMED_SHARE = 0.92  # the rest are waiting for their district's confirmation
SECOND_USER_SHARE = 0.3  # enterprises with users that have a second one

# Keys by which people refer to the fixed organisations.
COMMISSION = "commission"
FINANCE = "finance"
NDRC = "ndrc"


def bureau_key(district_code: str) -> str:
    return f"bureau:{district_code}"


def finance_bureau_key(district_code: str) -> str:
    return f"finance_bureau:{district_code}"


def institution_key(index: int) -> str:
    return f"institution:{index}"


def evaluator_key(index: int) -> str:
    return f"evaluator:{index}"


def enterprise_key(index: int) -> str:
    return f"enterprise:{index}"


def district_bureau_name(district_code: str) -> str:
    return words.DISTRICT_BUREAU_NAMES.get(district_code, f"{DISTRICT_NAMES[district_code]}经济委员会")


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    kind: str
    district_code: str | None
    credit_code: str | None


@dataclass(frozen=True)
class EnterpriseSpec:
    index: int
    name: str
    credit_code: str
    district_code: str
    address: str
    industry_code: str
    employees: int
    operating_revenue: Decimal
    size: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    status: str


@dataclass(frozen=True)
class PersonSpec:
    username: str
    role: str
    organisation_key: str
    display_name: str
    phone: str

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


# Faker's zh_CN company prefixes that read as a brand (see vocabulary.FAKER_PREFIX_EXCLUDE).
FAKER_BRANDS: tuple[str, ...] = tuple(
    sorted(
        {
            p
            for p in CompanyProvider.company_prefixes
            if 2 <= len(p) <= 3 and _is_cjk(p) and not any(x in p for x in words.FAKER_PREFIX_EXCLUDE)
        }
    )
)
_DISTRICT_CODES = tuple(words.DISTRICT_WEIGHTS)
_INDUSTRY_CODES = tuple(words.INDUSTRY_WEIGHTS)
# Revenue per employee (万元) is higher in capital-intensive divisions.
_HIGH_OUTPUT_DIVISIONS = frozenset({"25", "26", "27", "31", "32", "36", "39"})


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


_DISTRICT_CUM_WEIGHTS = _cumulative(list(words.DISTRICT_WEIGHTS.values()))
_INDUSTRY_CUM_WEIGHTS = _cumulative(list(words.INDUSTRY_WEIGHTS.values()))


# Faker's zh_CN surnames (weighted by frequency) and given names. ``person_name`` draws from them
# exactly as ``Faker.name()`` does ("{{last_name}}{{first_name}}"), four times faster, which
# matters for 100,000 enterprises with two names each.
_SURNAMES = tuple(PersonProvider.last_names)
_SURNAME_CUM_WEIGHTS = _cumulative(list(PersonProvider.last_names.values()))
_GIVEN_NAMES = tuple(PersonProvider.first_names)


def person_name(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0] + rng.choice(_GIVEN_NAMES)


def street_address(rng: random.Random, fake: Faker, district: str) -> str:
    """上海市<区><street>路<n>号[<m>幢]; many of Shanghai's streets are named after other cities
    (南京路, 哈尔滨路 …), which is what Faker's zh_CN city names give."""
    building = f"{rng.randint(1, 12)}幢" if rng.random() < 0.25 else ""
    return f"上海市{DISTRICT_NAMES[district]}{fake.city_name()}路{rng.randint(1, 2999)}号{building}"


def _faker(seed: int, stream: str) -> Faker:
    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}:{stream}")
    return fake


def _rng(seed: int, stream: str) -> random.Random:
    return random.Random(f"{seed}:{stream}")


class DemoGenerator:
    """The demo data of one seed. Call :meth:`organisations` first: enterprise codes avoid theirs."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._organisation_codes: frozenset[str] = frozenset()

    # --- Public bodies, firms and institutes -----------------------------------------------
    def organisations(self) -> list[OrganisationSpec]:
        """The commission, finance bureau, NDRC and 16 district bureaus (机关: codes 11…), the
        evaluation and audit firms (企业: 91…) and the universities and institutes (事业单位: 12…)."""
        rng = _rng(self.seed, "organisations")
        wanted: list[tuple[str, str, str, str | None, str]] = [
            (COMMISSION, words.MUNICIPAL_COMMISSION, OrganisationKind.MUNICIPAL_COMMISSION, None, "11"),
            (FINANCE, words.FINANCE_BUREAU, OrganisationKind.FINANCE_BUREAU, None, "11"),
            (NDRC, words.NDRC, OrganisationKind.NDRC, None, "11"),
        ]
        wanted += [
            (bureau_key(code), district_bureau_name(code), OrganisationKind.DISTRICT_BUREAU, code, "11")
            for code, _name, _en in DISTRICTS
        ]
        wanted += [
            (evaluator_key(i), name, OrganisationKind.EVALUATOR, rng.choice(EVALUATOR_DISTRICTS), "91")
            for i, name in enumerate(words.EVALUATORS)
        ]
        wanted += [
            (institution_key(i), name, OrganisationKind.INSTITUTION, None, "12")
            for i, name in enumerate(words.INSTITUTIONS)
        ]
        # Last, so that the codes drawn for the organisations above stay what they were.
        wanted += [
            (
                finance_bureau_key(code),
                f"{DISTRICT_NAMES[code]}财政局",
                OrganisationKind.DISTRICT_FINANCE_BUREAU,
                code,
                "11",
            )
            for code, _name, _en in DISTRICTS
        ]
        taken: set[str] = set()
        specs = [
            OrganisationSpec(
                key=key,
                name=name,
                kind=kind,
                district_code=district,
                credit_code=_unique_code(rng, taken, district or SHANGHAI_DIVISION, prefix),
            )
            for key, name, kind, district, prefix in wanted
        ]
        self._organisation_codes = frozenset(taken)
        return specs

    # --- Enterprises ------------------------------------------------------------------------
    def enterprises(self, count: int) -> Iterator[EnterpriseSpec]:
        """``count`` manufacturers; the first is the demo enterprise, confirmed, in 浦东新区."""
        rng = _rng(self.seed, "enterprises")
        fake = _faker(self.seed, "enterprises")
        names: set[str] = set()
        codes = set(self._organisation_codes)
        for index in range(count):
            district = rng.choices(_DISTRICT_CODES, cum_weights=_DISTRICT_CUM_WEIGHTS)[0]
            industry = rng.choices(_INDUSTRY_CODES, cum_weights=_INDUSTRY_CUM_WEIGHTS)[0]
            confirmed = rng.random() < CONFIRMED_SHARE
            if index == 0:
                district, confirmed = DEMO_DISTRICT, True
            name = self._unique_name(rng, names, district, industry)
            employees = max(3, min(50_000, round(rng.lognormvariate(math.log(60), 1.2))))
            per_employee = 110.0 if industry in _HIGH_OUTPUT_DIVISIONS else 60.0
            revenue = Decimal(f"{employees * rng.lognormvariate(math.log(per_employee), 0.6):.2f}")
            address = street_address(rng, fake, district)
            phone = fake.phone_number() if rng.random() < 0.6 else f"021-{rng.randint(3000_0000, 6999_9999)}"
            yield EnterpriseSpec(
                index=index,
                name=name,
                credit_code=_unique_code(rng, codes, district, "91"),
                district_code=district,
                address=address,
                industry_code=industry,
                employees=employees,
                operating_revenue=revenue,
                size=classify_enterprise_size(employees, revenue).value,
                legal_representative=person_name(rng),
                contact_name=person_name(rng),
                contact_phone=phone,
                status=(EnterpriseStatus.CONFIRMED if confirmed else EnterpriseStatus.PENDING).value,
            )

    def _unique_name(self, rng: random.Random, taken: set[str], district: str, industry: str) -> str:
        for attempt in range(50):
            name = company_name(rng, district, industry, with_place=attempt >= 5)
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("无法生成不重复的企业名称。")  # pragma: no cover - 3500+ brands × trades × places

    # --- People -----------------------------------------------------------------------------
    def people(self, *, enterprise_count: int, enterprise_users: int) -> list[PersonSpec]:
        """Every account of the demo: the named logins of ``accounts.DEMO_ACCOUNTS``, two officials
        for each district bureau, more municipal staff, the experts, and users of the first
        ``enterprise_users`` enterprises (one or two each)."""
        rng = _rng(self.seed, "people")
        fake = _faker(self.seed, "people")

        def person(username: str, role: str, org: str) -> PersonSpec:
            return PersonSpec(
                username=username,
                role=Role(role).value,
                organisation_key=org,
                display_name=person_name(rng),
                phone=fake.phone_number(),
            )

        named_orgs: dict[str, str] = {
            Role.ENTERPRISE: enterprise_key(0),
            Role.DISTRICT_OFFICER: bureau_key(DEMO_DISTRICT),
            Role.DISTRICT_HEAD: bureau_key(DEMO_DISTRICT),
            Role.FINANCE_OFFICER: FINANCE,
            Role.DISTRICT_FINANCE_OFFICER: finance_bureau_key(DEMO_DISTRICT),
            Role.NDRC_VIEWER: NDRC,
            Role.EXPERT: institution_key(0),
        }
        people = [
            person(account.username, role, named_orgs.get(role, COMMISSION))
            for role, account in DEMO_ACCOUNTS_BY_ROLE.items()
            if role != Role.ENTERPRISE or enterprise_count > 0
        ]
        for code, _name, _en in DISTRICTS:
            if code != DEMO_DISTRICT:
                people.append(
                    person(district_officer_username(code), Role.DISTRICT_OFFICER, bureau_key(code))
                )
                people.append(person(district_head_username(code), Role.DISTRICT_HEAD, bureau_key(code)))
        people.append(person("municipal_2", Role.MUNICIPAL_OFFICER, COMMISSION))
        people.append(person("finance_2", Role.FINANCE_OFFICER, FINANCE))
        people.append(
            person(
                district_finance_username(SECOND_FINANCE_DISTRICT),
                Role.DISTRICT_FINANCE_OFFICER,
                finance_bureau_key(SECOND_FINANCE_DISTRICT),
            )
        )
        at_enterprises = min(EXPERTS_AT_ENTERPRISES, max(0, enterprise_count - 1))
        for n in range(1, EXPERT_COUNT):
            if n <= at_enterprises:
                employer = enterprise_key(n)  # enterprises 1…5: conflict-of-interest cases
            elif n <= at_enterprises + EXPERTS_AT_EVALUATORS:
                employer = evaluator_key((n - at_enterprises - 1) % len(words.EVALUATORS))
            else:
                employer = institution_key(n % len(words.INSTITUTIONS))
            people.append(person(f"expert_{n:02d}", Role.EXPERT, employer))
        for index in range(1, min(enterprise_users, enterprise_count)):
            people.append(person(f"ent{index:06d}", Role.ENTERPRISE, enterprise_key(index)))
            if rng.random() < SECOND_USER_SHARE:
                people.append(person(f"ent{index:06d}_2", Role.ENTERPRISE, enterprise_key(index)))
        return people


def _unique_code(rng: random.Random, taken: set[str], division: str, prefix: str) -> str:
    """A valid credit code not in ``taken`` (then added to it); ``prefix`` is the registration
    authority and entity type: 11 机关, 12 事业单位, 91 企业."""
    while True:
        code = generate_credit_code(rng, division=division, authority=prefix[0], entity_type=prefix[1])
        if code not in taken:
            taken.add(code)
            return code


def company_name(rng: random.Random, district: str, industry: str, *, with_place: bool = False) -> str:
    """A plausible manufacturer's name: 上海 + [place] + brand + trade + legal form, or
    brand + （上海） + trade + legal form, e.g. 上海恒达精密机械有限公司, 上海临港瑞博智能装备股份有限公司."""
    trade = rng.choice(words.INDUSTRY_TRADES[industry])
    form = _legal_form(rng, trade)
    if rng.random() < 0.6:
        brand = "".join(rng.sample(words.BRAND_CHARACTERS, 2))
    else:
        brand = rng.choice(FAKER_BRANDS)
    shape = rng.random()
    if with_place or 0.72 <= shape < 0.9:
        return f"上海{rng.choice(words.DISTRICT_PLACES[district])}{brand}{trade}{form}"
    if shape >= 0.9:
        return f"{brand}（上海）{trade}{form}"
    return f"上海{brand}{trade}{form}"


def _legal_form(rng: random.Random, trade: str) -> str:
    forms = [
        (form, weight)
        for form, weight in words.LEGAL_FORMS
        if not (form.startswith("科技") and trade.endswith(words.NO_TECH_SUFFIX_AFTER))
        and not (form.startswith("制造") and trade.endswith(words.NO_MAKE_SUFFIX_AFTER))
    ]
    return rng.choices([f for f, _w in forms], weights=[w for _f, w in forms])[0]
