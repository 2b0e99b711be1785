"""The generated applications are deterministic and would pass the platform's own rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from jigai.applications.duplicates import SIMILARITY_THRESHOLD, name_similarity
from jigai.applications.eligibility import add_months
from jigai.calls import defaults
from jigai.demo.generators import DemoGenerator
from jigai.demo.programme import open_call_window
from jigai.demo.projects import CLOSED, OPEN, Applicant, ProjectGenerator, Windows
from jigai.enterprises.credit import check_id_number
from jigai.reference.codes import check_project_code

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=defaults.SHANGHAI)
COUNT = 1500


def windows(now: dt.datetime = NOW) -> Windows:
    window = open_call_window(now)
    return Windows(
        closed_opens=defaults.CALL_2026_OPENS_AT,
        closed_closes=defaults.CALL_2026_CLOSES_AT,
        open_opens=window.opens_at,
        open_closes=window.closes_at,
        now=now,
    )


def applicants(seed: int = 42, count: int = 600) -> list[Applicant]:
    generator = DemoGenerator(seed)
    generator.organisations()
    return [
        Applicant(e.index, e.district_code, e.industry_code, e.address)
        for e in generator.enterprises(count)
        if e.status == "confirmed"
    ]


@pytest.fixture(scope="module")
def specs():
    return list(ProjectGenerator(42, windows()).applications(COUNT, applicants()))


def test_same_seed_same_applications_other_seed_others(specs):
    again = list(ProjectGenerator(42, windows()).applications(COUNT, applicants()))
    assert again == specs
    other = list(ProjectGenerator(43, windows()).applications(200, applicants()))
    assert len({s.name for s in other[:50]} & {s.name for s in specs[:50]}) < 25
    assert {s.project_code for s in other}.isdisjoint({s.project_code for s in specs[:200]})


def test_every_state_of_this_issue_in_both_calls_and_no_review_states(specs):
    counts = Counter((s.call, s.status) for s in specs)
    for call in (CLOSED, OPEN):
        for status in ("draft", "submitted", "withdrawn"):
            assert counts[(call, status)] > 0, (call, status)
    assert {s.status for s in specs} == {"draft", "submitted", "withdrawn"}
    assert counts[(CLOSED, "submitted")] > counts[(OPEN, "submitted")]


def test_investment_lines_totals_and_financing(specs):
    fixed_items = {code for code, _name, fixed in defaults.INVESTMENT_ITEMS if fixed}
    for s in specs:
        total = s.total
        fixed = sum((a for c, a in s.lines if c in fixed_items), Decimal(0))
        assert Decimal("20000000") <= total <= Decimal("500000000"), s
        assert Decimal("0.62") <= fixed / total <= Decimal("0.90"), s
        assert all(a > 0 and a == a.quantize(Decimal("0.01")) for _c, a in s.lines)
        assert len({c for c, _a in s.lines}) == len(s.lines)
        assert s.own_funds + s.bank_loans + s.financing_lease + s.other_financing == total, s
        assert min(s.own_funds, s.bank_loans, s.financing_lease, s.other_financing) >= 0
        assert s.new_output_value > 0 and s.new_product_output_value <= s.new_output_value


def test_codes_ids_dates_and_prerequisites_are_valid(specs):
    codes = [s.project_code for s in specs]
    assert len(set(codes)) == len(codes)
    prerequisites = {code: needs for code, _name, needs in defaults.PREREQUISITES}
    with_document = [code for code, needs in prerequisites.items() if needs]
    for s in specs:
        check = check_project_code(s.project_code)
        assert check.valid, (s.project_code, check.errors)
        assert s.project_code[:4] in ("2025", "2026")
        assert s.project_code[5:11] == s.site_district
        assert check_id_number(s.project_lead_id_number)[1] is None
        assert s.start_date < s.end_date <= add_months(s.start_date, 24)
        assert [p.code for p in s.prerequisites] == list(prerequisites)
        if s.status != "draft":
            assert all(p.done for p in s.prerequisites)
            assert all(p.document_number for p in s.prerequisites if p.code in with_document)
            assert s.start_date < s.submitted_at.date()
            filing = next(p for p in s.prerequisites if p.code == "filing")
            assert filing.document_date.year == int(s.project_code[:4])


def test_names_read_like_project_names(specs):
    assert all(s.name.endswith("项目") for s in specs)
    assert any(s.name.startswith("年产") for s in specs)
    assert len({s.name for s in specs}) > COUNT * 0.6
    assert all(s.summary.startswith("项目围绕") for s in specs)


def test_submissions_fall_inside_their_window_in_order(specs):
    w = windows()
    for call, (opens, closes) in ((CLOSED, (w.closed_opens, w.closed_closes)), (OPEN, (w.open_opens, NOW))):
        submitted = [s for s in specs if s.call == call and s.submitted_at is not None]
        times = [s.submitted_at for s in submitted]
        assert times == sorted(times), call
        assert all(opens <= s.created_at <= s.submitted_at < closes for s in submitted)
        withdrawn = [s for s in submitted if s.status == "withdrawn"]
        assert withdrawn and all(
            s.submitted_at <= s.withdrawn_at < closes and s.withdraw_reason for s in withdrawn
        )
    closed = [s for s in specs if s.call == CLOSED and s.submitted_at]
    last_week = [s for s in closed if s.submitted_at >= w.closed_closes - dt.timedelta(days=7)]
    assert len(last_week) > len(closed) * 0.5  # most enterprises submit in the last days


def test_near_duplicates_are_a_few_second_phases_and_names_are_otherwise_apart(specs):
    by_index = {s.index: s for s in specs}
    pairs = [(by_index[s.similar_to], s) for s in specs if s.similar_to is not None]
    assert 3 <= len(pairs) <= COUNT * 0.05
    for first, second in pairs:
        assert second.enterprise_index == first.enterprise_index
        assert first.status == second.status == "submitted"
        assert "二期" in second.name
        assert name_similarity(first.name, second.name) >= SIMILARITY_THRESHOLD
    by_enterprise: dict[int, list[str]] = {}
    for s in specs:
        earlier = by_enterprise.setdefault(s.enterprise_index, [])
        similar = [n for n in earlier if name_similarity(n, s.name) >= SIMILARITY_THRESHOLD]
        assert len(similar) == (1 if s.similar_to is not None else 0), s.name
        earlier.append(s.name)


def test_the_demo_enterprise_has_one_submitted_one_draft_and_nothing_in_the_open_call(specs):
    own = [s for s in specs if s.enterprise_index == 0]
    assert sorted((s.call, s.status) for s in own) == [(CLOSED, "draft"), (CLOSED, "submitted")]
    assert all(s.call == CLOSED for s in own)


def test_ready_drafts_are_complete_in_the_open_call():
    generator = ProjectGenerator(42, windows())
    drafts = generator.ready_drafts(applicants()[:10], "bench")
    assert [d.call for d in drafts] == [OPEN] * 10
    assert all(d.status == "draft" and all(p.done for p in d.prerequisites) for d in drafts)
    required = {code for code, _n, req, _t, _s in defaults.ATTACHMENTS if req}
    assert all(required <= set(d.attachments) for d in drafts)
    assert drafts == ProjectGenerator(42, windows()).ready_drafts(applicants()[:10], "bench")
    raw = drafts[0].draft_input()
    assert raw["investment_lines"] and raw["prerequisites"] == [
        {
            "code": p.code,
            "done": True,
            "document_number": p.document_number,
            "document_date": str(p.document_date),
        }
        for p in drafts[0].prerequisites
    ]


def test_no_enterprise_applies_more_than_six_times():
    few = applicants(count=10)
    specs = list(ProjectGenerator(42, windows()).applications(200, few))
    per_enterprise = Counter(s.enterprise_index for s in specs)
    assert max(per_enterprise.values()) <= 6
    assert len(specs) == 6 * (len(few) - 1) + 2  # the demo enterprise has its two


def test_every_division_of_the_demo_enterprises_has_products_and_directions():
    from jigai.demo import project_vocabulary, vocabulary
    from jigai.demo.projects import _DIRECTIONS

    assert set(vocabulary.INDUSTRY_WEIGHTS) <= set(project_vocabulary.PRODUCTS)
    assert set(project_vocabulary.DIRECTION_WEIGHTS) == {code for code, _group, _industries in _DIRECTIONS}
    assert set(project_vocabulary.DIRECTION_NAMES) <= set(project_vocabulary.DIRECTION_WEIGHTS)
