"""Deterministic demo applications: the technical-transformation projects Shanghai's manufacturers
apply with, as plain specs (no database; ``jigai.demo.applications`` writes them).

Each application is complete and consistent the way the platform's own rules see it: investment
lines of the call's eligible items totalling 2000万–5亿 with a fixed-asset share of 62–90 %, the
financing adding up to the total, every prerequisite done with its document number and date (for
submitted ones), a valid investment project code (unique), a project lead with a valid identity
card number, a construction period within the call's 24 months. A submitted application was
submitted inside its call's window, the applications of a call in submission order, so the
reference numbers given in that order follow the submission times. A few enterprises submit a
second phase of a project with a very similar name: those are the near duplicates the submission
flags for the reviewers; otherwise the names of one enterprise's projects are never that similar.

Same seed, same applicants, same windows: same specs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from faker import Faker

from jigai.applications.duplicates import SIMILARITY_THRESHOLD, normalise_name
from jigai.applications.eligibility import add_months
from jigai.calls import defaults as call_defaults
from jigai.catalog.choices import CatalogItemKind
from jigai.catalog.defaults import default_catalog_items
from jigai.demo import project_vocabulary as words
from jigai.demo import vocabulary
from jigai.demo.generators import person_name, street_address
from jigai.enterprises.credit import id_number_check_char

SHANGHAI = call_defaults.SHANGHAI
HUNDRED = Decimal("100")
MIN_TOTAL_WAN = 2000  # 2000万元: the call's minimum total investment
MAX_TOTAL_WAN = 50000  # 5亿元
OPEN_CALL_SHARE = 0.15  # applications in the call open now; the rest are in the closed 2026 call
NEAR_DUPLICATE_SHARE = 0.015  # submitted projects followed by a similar "second phase"
MAX_PER_ENTERPRISE = 6  # projects one enterprise applies with, over both calls
FIRST_CODE_YEAR = 2025  # project codes are 2025 or 2026 filings (the year of the filing)

# Status mix per call: (draft, submitted, withdrawn).
CLOSED_MIX = (0.12, 0.82, 0.06)
OPEN_MIX = (0.50, 0.45, 0.05)

CLOSED = "closed"
_DEPARTMENTS = ("03", "04", "12", "34", "35")  # the code's guiding-department segment
_PROJECT_TYPES = ("01", "02", "03")
OPEN = "open"

FIXED_ITEMS = [code for code, _name, fixed in call_defaults.INVESTMENT_ITEMS if fixed]
OTHER_ITEMS = [code for code, _name, fixed in call_defaults.INVESTMENT_ITEMS if not fixed]
_OTHER_WEIGHTS = {
    "software": 4,
    "integration": 3,
    "testing": 2,
    "trials": 1.5,
    "patents": 1,
    "rd_outsourcing": 1,
}


@dataclass(frozen=True)
class Applicant:
    """A confirmed enterprise with a user, as the generator needs it."""

    index: int
    district_code: str
    industry_code: str
    address: str


@dataclass(frozen=True)
class Windows:
    """The windows of the demo's two calls and the moment the data is generated for."""

    closed_opens: dt.datetime
    closed_closes: dt.datetime
    open_opens: dt.datetime
    open_closes: dt.datetime
    now: dt.datetime

    def span(self, call: str) -> tuple[dt.datetime, dt.datetime]:
        """Where submissions of ``call`` fall: its window, and never later than an hour ago."""
        latest = self.now - dt.timedelta(hours=1)
        if call == CLOSED:
            return self.closed_opens, min(self.closed_closes - dt.timedelta(minutes=1), latest)
        return self.open_opens, min(self.open_closes, latest)


@dataclass(frozen=True)
class PrerequisiteSpec:
    code: str
    done: bool
    document_number: str
    document_date: dt.date | None


@dataclass(frozen=True)
class ApplicationSpec:
    index: int
    enterprise_index: int
    call: str  # CLOSED or OPEN
    status: str  # draft, submitted or withdrawn
    name: str
    project_code: str
    direction_code: str
    site_district: str
    site_address: str
    in_planned_block: bool
    start_date: dt.date
    end_date: dt.date
    summary: str
    project_lead_name: str
    project_lead_id_number: str
    lines: tuple[tuple[str, Decimal], ...]
    own_funds: Decimal
    bank_loans: Decimal
    financing_lease: Decimal
    other_financing: Decimal
    new_output_value: Decimal
    new_product_output_value: Decimal
    new_tax: Decimal
    energy_saved_tce: Decimal
    emissions_reduced_t: Decimal
    jobs_created: int
    prerequisites: tuple[PrerequisiteSpec, ...]
    attachments: tuple[str, ...]  # requirement codes
    other_funding: tuple[tuple[str, str, Decimal, str], ...]  # programme, authority, amount, status
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    withdraw_reason: str = ""
    similar_to: int | None = None  # index of the earlier application this one nearly duplicates

    @property
    def total(self) -> Decimal:
        return sum((amount for _code, amount in self.lines), Decimal("0.00"))

    @property
    def updated_at(self) -> dt.datetime:
        return self.withdrawn_at or self.submitted_at or self.created_at

    def draft_input(self) -> dict[str, object]:
        """The spec as an enterprise types it (the raw input of ``drafts.draft_parse``)."""
        return {
            "name": self.name,
            "project_code": self.project_code,
            "site_district": self.site_district,
            "site_address": self.site_address,
            "in_planned_block": self.in_planned_block,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "direction": self.direction_code,
            "summary": self.summary,
            "project_lead_name": self.project_lead_name,
            "project_lead_id_number": self.project_lead_id_number,
            "own_funds": str(self.own_funds),
            "bank_loans": str(self.bank_loans),
            "financing_lease": str(self.financing_lease),
            "other_financing": str(self.other_financing),
            "new_output_value": str(self.new_output_value),
            "new_product_output_value": str(self.new_product_output_value),
            "new_tax": str(self.new_tax),
            "energy_saved_tce": str(self.energy_saved_tce),
            "emissions_reduced_t": str(self.emissions_reduced_t),
            "jobs_created": self.jobs_created,
            "investment_lines": [{"item_code": c, "amount": str(a)} for c, a in self.lines],
            "prerequisites": [
                {
                    "code": p.code,
                    "done": p.done,
                    "document_number": p.document_number,
                    "document_date": p.document_date.isoformat() if p.document_date else None,
                }
                for p in self.prerequisites
            ],
            "other_funding": [
                {"programme": p, "authority": a, "amount": str(m), "status": s}
                for p, a, m, s in self.other_funding
            ],
        }


@dataclass
class _State:
    """What the generator remembers while streaming: codes taken, each enterprise's project names."""

    codes: set[str] = field(default_factory=set)
    names: dict[int, list[str]] = field(default_factory=dict)  # normalised (duplicates.normalise_name)
    rank: dict[str, int] = field(default_factory=lambda: {CLOSED: 0, OPEN: 0})


# --- Directions -----------------------------------------------------------------------------------
_DIRECTIONS = [
    (row.code, row.group, frozenset(row.industry_codes))
    for row in default_catalog_items()
    if row.kind == CatalogItemKind.DIRECTION
]


def _directions_for(industry: str) -> tuple[list[tuple[str, str]], list[float]]:
    fitting = [
        (code, group) for code, group, industries in _DIRECTIONS if not industries or industry in industries
    ]
    weights = [words.DIRECTION_WEIGHTS.get(code, 1.0) for code, _group in fitting]
    return fitting, weights


_DIRECTIONS_BY_INDUSTRY = {industry: _directions_for(industry) for industry in words.PRODUCTS}


# --- Helpers --------------------------------------------------------------------------------------
def _yuan_from_wan(wan: float) -> Decimal:
    """万元 with two places, in yuan (a multiple of 100 yuan)."""
    return Decimal(f"{wan:.2f}") * 10000


def _round_hundred(amount: Decimal) -> Decimal:
    return (amount / HUNDRED).quantize(Decimal("1")) * HUNDRED


def _split(total: Decimal, weights: dict[str, float]) -> list[tuple[str, Decimal]]:
    """``total`` split over the weighted items in multiples of 100 yuan; the first item takes the rest."""
    whole = sum(weights.values())
    parts = [(code, _round_hundred(total * Decimal(w / whole))) for code, w in weights.items()]
    first_code, _first = parts[0]
    rest = sum((amount for _code, amount in parts[1:]), Decimal("0"))
    return [
        (first_code, (total - rest).quantize(Decimal("0.01"))),
        *((c, a.quantize(Decimal("0.01"))) for c, a in parts[1:]),
    ]


def _nice(rng: random.Random, low: int, high: int) -> int:
    """An output figure as a project name gives it: 20, 150, 3000 — two significant digits at most."""
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    magnitude = 10 ** max(0, int(math.log10(value)) - 1)
    return max(1, round(value / magnitude) * magnitude)


def id_number(rng: random.Random) -> str:
    """A resident identity card number with a valid check character (born 1965–1992)."""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 28))
    body = f"{rng.choice(words.ID_REGIONS)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_number_check_char(body)


def _moment(start: dt.datetime, end: dt.datetime, fraction: float) -> dt.datetime:
    seconds = (end - start).total_seconds()
    return (start + dt.timedelta(seconds=int(seconds * min(max(fraction, 0.0), 1.0)))).replace(microsecond=0)


# --- The generator --------------------------------------------------------------------------------
class ProjectGenerator:
    """Application specs of one seed for the given applicants and call windows."""

    def __init__(self, seed: int, windows: Windows) -> None:
        self.seed = seed
        self.windows = windows

    def applications(self, count: int, applicants: Sequence[Applicant]) -> Iterator[ApplicationSpec]:
        """``count`` applications spread over ``applicants`` (their industry decides the directions
        and products) and over the two calls. The demo enterprise (index 0), if it is among the
        applicants, gets exactly one submitted application and one draft, both in the closed
        call, and none in the open call (so that a demonstration can start one there). No
        enterprise applies more than :data:`MAX_PER_ENTERPRISE` times: with too few applicants
        fewer applications are generated."""
        rng = random.Random(f"{self.seed}:applications")
        fake = Faker("zh_CN")
        fake.seed_instance(f"{self.seed}:applications")
        state = _State()
        demo = next((a for a in applicants if a.index == 0), None)
        others = [a for a in applicants if a.index != 0]
        position = {a.index: n for n, a in enumerate(others)}
        taken: Counter[int] = Counter()

        def take(applicant: Applicant) -> None:
            taken[applicant.index] += 1
            if taken[applicant.index] == MAX_PER_ENTERPRISE and applicant.index in position:
                n = position.pop(applicant.index)  # swap-remove: the enterprise cannot be drawn again
                last = others.pop()
                if last.index != applicant.index:
                    others[n], position[last.index] = last, n

        count = min(count, MAX_PER_ENTERPRISE * len(others) + (2 if demo is not None else 0))
        demo_at = count // 3 if demo is not None and count >= 2 else -2
        expected = {OPEN: max(1.0, count * OPEN_CALL_SHARE), CLOSED: max(1.0, count * (1 - OPEN_CALL_SHARE))}
        reserved = {demo_at, demo_at + 1}
        pending: tuple[ApplicationSpec, Applicant] | None = None
        for index in range(count):
            similar_to: ApplicationSpec | None = None
            if index in reserved and demo is not None:
                applicant, call = demo, CLOSED
                status = "submitted" if index == demo_at else "draft"
            elif pending is not None and self._second_phase_fits(state, *pending):
                similar_to, applicant = pending
                call, status = similar_to.call, "submitted"
                take(applicant)
            elif others:
                applicant = others[rng.randrange(len(others))]
                take(applicant)
                call = OPEN if rng.random() < OPEN_CALL_SHARE else CLOSED
                mix = OPEN_MIX if call == OPEN else CLOSED_MIX
                status = rng.choices(["draft", "submitted", "withdrawn"], weights=mix)[0]
            else:
                return
            opens, latest = self.windows.span(call)
            fraction = (state.rank[call] + rng.random()) / expected[call]
            state.rank[call] += 1
            if call == CLOSED:
                fraction = 1 - (1 - min(fraction, 1.0)) ** 2  # most submit in the last days
            spec = self._project(
                rng,
                fake,
                state,
                index=index,
                applicant=applicant,
                call=call,
                status=status,
                moment=_moment(opens, latest, fraction),
                opens=opens,
                similar_to=similar_to,
            )
            yield spec
            pending = None
            if (
                status == "submitted"
                and similar_to is None
                and applicant.index in position
                and not reserved & {index, index + 1}
                and rng.random() < NEAR_DUPLICATE_SHARE
            ):
                pending = (spec, applicant)

    @staticmethod
    def _second_phase_fits(state: _State, first: ApplicationSpec, applicant: Applicant) -> bool:
        """The second phase of ``first`` is flagged as its near duplicate, and only as its."""
        name = ProjectGenerator._second_phase(first.name)
        normalised, first_normalised = normalise_name(name), normalise_name(first.name)
        if not _similar(normalised, first_normalised):
            return False
        earlier = state.names.get(applicant.index, [])
        return not any(_similar(normalised, other) for other in earlier if other != first_normalised)

    def ready_drafts(self, applicants: Sequence[Applicant], stream: str) -> list[ApplicationSpec]:
        """One complete draft in the open call for each applicant, every rule met (every attachment
        included), for a demonstration or a benchmark to submit; ``stream`` keeps their codes and
        names apart from those of :meth:`applications`."""
        rng = random.Random(f"{self.seed}:{stream}")
        fake = Faker("zh_CN")
        fake.seed_instance(f"{self.seed}:{stream}")
        state = _State()
        opens, latest = self.windows.span(OPEN)
        return [
            self._project(
                rng,
                fake,
                state,
                index=n,
                applicant=applicant,
                call=OPEN,
                status="draft",
                moment=latest,
                opens=opens,
                complete=True,
            )
            for n, applicant in enumerate(applicants)
        ]

    # --- one project ------------------------------------------------------------------------------
    def _project(
        self,
        rng: random.Random,
        fake: Faker,
        state: _State,
        *,
        index: int,
        applicant: Applicant,
        call: str,
        status: str,
        moment: dt.datetime,
        opens: dt.datetime,
        similar_to: ApplicationSpec | None = None,
        complete: bool = False,
    ) -> ApplicationSpec:
        if similar_to is not None:
            direction, group = similar_to.direction_code, _group_of(similar_to.direction_code)
            name = self._second_phase(similar_to.name)
            state.names.setdefault(applicant.index, []).append(normalise_name(name))
        else:
            directions, weights = _DIRECTIONS_BY_INDUSTRY[applicant.industry_code]
            direction, group = rng.choices(directions, weights=weights)[0]
            name = self._name(rng, state, applicant, direction, group)
        submitted = status in ("submitted", "withdrawn")
        filed_last = moment.astimezone(SHANGHAI).date()

        # Dates: filed (项目备案) in 2025 or 2026, started before the application, ends within 24 months.
        start = filed_last - dt.timedelta(days=rng.randint(20, 300))
        filed = start - dt.timedelta(days=rng.randint(30, 200))
        floor = dt.date(FIRST_CODE_YEAR, 1, 5)
        if filed < floor:
            filed = floor + dt.timedelta(days=rng.randint(0, max(0, (start - floor).days - 20)))
        if filed >= start:
            start = filed + dt.timedelta(days=rng.randint(20, 40))
        end = add_months(start, rng.randint(10, 24)) - dt.timedelta(days=rng.randint(0, 25))
        if start >= filed_last:  # the filing floor pushed the start past the submission
            start = filed_last - dt.timedelta(days=1)
            filed = min(filed, start - dt.timedelta(days=10))

        site_district, site_address = applicant.district_code, applicant.address
        if rng.random() < 0.1:
            site_district = rng.choices(
                tuple(vocabulary.DISTRICT_WEIGHTS), weights=tuple(vocabulary.DISTRICT_WEIGHTS.values())
            )[0]
            site_address = street_address(rng, fake, site_district)
        code = self._project_code(rng, state, filed.year, site_district)

        total_wan = 0.0
        while not MIN_TOTAL_WAN <= total_wan <= MAX_TOTAL_WAN:
            total_wan = rng.lognormvariate(math.log(7000), 0.75)
        total = _yuan_from_wan(total_wan)
        fixed = _round_hundred(total * Decimal(str(round(rng.uniform(0.621, 0.899), 4))))
        lines = self._lines(rng, total, fixed)
        own = _round_hundred(total * Decimal(str(round(rng.uniform(0.3, 0.7), 3))))
        lease = (
            _round_hundred(total * Decimal(str(round(rng.uniform(0.05, 0.2), 3))))
            if rng.random() < 0.15
            else Decimal(0)
        )
        other = (
            _round_hundred(total * Decimal(str(round(rng.uniform(0.02, 0.1), 3))))
            if rng.random() < 0.2
            else Decimal(0)
        )
        bank = total - own - lease - other

        output = _round_hundred(total * Decimal(str(round(rng.uniform(1.2, 4.0), 3))))
        green = group == "green"
        energy = Decimal(rng.randint(300, 8000) if green else rng.randint(0, 400))
        product = self._product_of(name, applicant.industry_code)
        prerequisites = self._prerequisites(rng, site_district, filed, start, complete=complete or submitted)
        required = [c for c, _n, req, _t, _s in call_defaults.ATTACHMENTS if req]
        optional = [c for c, _n, req, _t, _s in call_defaults.ATTACHMENTS if not req]
        if complete or submitted:
            attachments = required + [c for c in optional if rng.random() < 0.6]
        else:
            attachments = [c for c in required if rng.random() < 0.5]
        funding: tuple[tuple[str, str, Decimal, str], ...] = ()
        if rng.random() < 0.05:
            programme, authority = rng.choice(words.OTHER_FUNDING)
            amount = _round_hundred(total * Decimal(str(round(rng.uniform(0.01, 0.05), 3))))
            funding = (
                (programme, authority, amount.quantize(Decimal("0.01")), rng.choice(["applied", "received"])),
            )

        created = _moment(opens, moment, rng.uniform(0.3, 0.95)) if submitted else moment
        withdrawn_at = None
        reason = ""
        if status == "withdrawn":
            _opens, latest = self.windows.span(call)
            withdrawn_at = _moment(moment, max(moment, latest), rng.uniform(0.05, 0.6))
            reason = rng.choice(words.WITHDRAW_REASONS)
        return ApplicationSpec(
            index=index,
            enterprise_index=applicant.index,
            call=call,
            status=status,
            name=name,
            project_code=code,
            direction_code=direction,
            site_district=site_district,
            site_address=site_address,
            in_planned_block=rng.random() < 0.8,
            start_date=start,
            end_date=end,
            summary=self._summary(rng, product, group, output),
            project_lead_name=person_name(rng),
            project_lead_id_number=id_number(rng),
            lines=tuple(lines),
            own_funds=own.quantize(Decimal("0.01")),
            bank_loans=bank.quantize(Decimal("0.01")),
            financing_lease=lease.quantize(Decimal("0.01")),
            other_financing=other.quantize(Decimal("0.01")),
            new_output_value=output.quantize(Decimal("0.01")),
            new_product_output_value=_round_hundred(
                output * Decimal(str(round(rng.uniform(0.3, 0.9), 3)))
            ).quantize(Decimal("0.01")),
            new_tax=_round_hundred(output * Decimal(str(round(rng.uniform(0.03, 0.08), 3)))).quantize(
                Decimal("0.01")
            ),
            energy_saved_tce=energy.quantize(Decimal("0.01")),
            emissions_reduced_t=(energy * Decimal("2.49")).quantize(Decimal("0.01")),
            jobs_created=rng.randint(0, 30) if green else rng.randint(5, 200),
            prerequisites=prerequisites,
            attachments=tuple(attachments),
            other_funding=funding,
            created_at=created,
            submitted_at=moment if submitted else None,
            withdrawn_at=withdrawn_at,
            withdraw_reason=reason,
            similar_to=similar_to.index if similar_to is not None else None,
        )

    def _name(
        self, rng: random.Random, state: _State, applicant: Applicant, direction: str, group: str
    ) -> str:
        """A project name not too similar to the enterprise's earlier ones (those would be flagged)."""
        earlier = state.names.setdefault(applicant.index, [])
        name = ""
        for _attempt in range(20):
            shapes = words.DIRECTION_NAMES.get(direction) if rng.random() < 0.6 else None
            shape = rng.choice(shapes or words.GROUP_NAMES[group])
            product, unit, low, high = rng.choice(words.PRODUCTS[applicant.industry_code])
            name = shape.format(product=product, output=f"年产{_nice(rng, low, high)}{unit}")
            normalised = normalise_name(name)
            if not any(_similar(normalised, other) for other in earlier):
                break
        else:  # pragma: no cover - 20 draws of shapes × products
            name = f"{name[:-2]}（{len(earlier) + 1}）项目"
            normalised = normalise_name(name)
        earlier.append(normalised)
        return name

    @staticmethod
    def _second_phase(name: str) -> str:
        stem = name[:-2] if name.endswith("项目") else name
        return f"{stem}（二期）项目"

    @staticmethod
    def _product_of(name: str, industry: str) -> str:
        for product, _unit, _low, _high in words.PRODUCTS[industry]:
            if product in name:
                return product
        return words.PRODUCTS[industry][0][0]

    @staticmethod
    def _project_code(rng: random.Random, state: _State, year: int, district: str) -> str:
        """YYYY-RRRRRR-DD-TT-NNNNNC (GB/T 40058-2021), unique among the generated ones."""
        while True:
            code = (
                f"{year}-{district}-{rng.choice(_DEPARTMENTS)}-{rng.choice(_PROJECT_TYPES)}-"
                f"{rng.randrange(0, 100000):05d}{rng.randrange(0, 10)}"
            )
            if code not in state.codes:
                state.codes.add(code)
                return code

    @staticmethod
    def _lines(rng: random.Random, total: Decimal, fixed: Decimal) -> list[tuple[str, Decimal]]:
        fixed_weights = {
            "equipment": rng.uniform(0.55, 0.85),
            "installation": rng.uniform(0.03, 0.1),
            "other_fixed": rng.uniform(0.02, 0.08),
        }
        if rng.random() < 0.5:
            fixed_weights["construction"] = rng.uniform(0.05, 0.3)
        chosen = rng.sample(OTHER_ITEMS, k=rng.randint(2, 4))
        chosen.sort(key=lambda c: -_OTHER_WEIGHTS[c])
        other_weights = {code: _OTHER_WEIGHTS[code] * rng.uniform(0.5, 1.5) for code in chosen}
        lines = _split(fixed, fixed_weights) + _split(total - fixed, other_weights)
        order = {code: n for n, (code, _name, _fixed) in enumerate(call_defaults.INVESTMENT_ITEMS)}
        return sorted(((c, a) for c, a in lines if a > 0), key=lambda line: order[line[0]])

    @staticmethod
    def _prerequisites(
        rng: random.Random, district: str, filed: dt.date, start: dt.date, *, complete: bool
    ) -> tuple[PrerequisiteSpec, ...]:
        short = words.DISTRICT_SHORT[district]
        y = filed.year
        numbers = {
            "filing": f"{short}经信备〔{y}〕{rng.randint(1, 400)}号",
            "planning": f"{short}规划资源许建〔{y}〕{rng.randint(1, 900)}号",
            "land": f"沪（{y}）{short}字不动产权第{rng.randint(1, 99999):06d}号",
            "environment": f"{short}环保许评〔{y}〕{rng.randint(1, 600)}号",
        }
        span = max(1, (start - filed).days)
        records = []
        missing = (
            set()
            if complete
            else {code for code, _n, _d in call_defaults.PREREQUISITES if rng.random() < 0.15}
        )
        for n, (code, _name, needs_document) in enumerate(call_defaults.PREREQUISITES):
            if code == "started":
                day = start
            elif code == "filing":
                day = filed
            else:
                day = filed + dt.timedelta(days=min(span - 1, rng.randint(5, 40) * n))
            done = code not in missing
            records.append(
                PrerequisiteSpec(
                    code=code,
                    done=done,
                    document_number=numbers.get(code, "") if done and needs_document else "",
                    document_date=day if done else None,
                )
            )
        return tuple(records)

    @staticmethod
    def _summary(rng: random.Random, product: str, group: str, output: Decimal) -> str:
        equipment = rng.sample(words.EQUIPMENT[group], k=2)
        outcomes = [o.format(a=rng.randint(10, 45)) for o in rng.sample(words.OUTCOMES, k=2)]
        wan = (output / 10000).quantize(Decimal("1"))
        return (
            f"项目围绕{product}生产，拟购置{equipment[0]}、{equipment[1]}等设备"
            f"{rng.randint(20, 400)}台（套），"
            f"对现有生产线和关键工序实施改造，建设数字化生产管控体系。项目建成后，预计{outcomes[0]}，"
            f"{outcomes[1]}，年新增产值约{wan}万元。"
        )


def _similar(a: str, b: str) -> bool:
    """``duplicates.name_similarity`` ≥ the threshold, on names already normalised; the cheap upper
    bounds of the ratio first (they never understate it), since most pairs differ a lot."""
    if not a or not b:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.ratio() >= SIMILARITY_THRESHOLD
    )


def _group_of(direction: str) -> str:
    return next(group for code, group, _industries in _DIRECTIONS if code == direction)
