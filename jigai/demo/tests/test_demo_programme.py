"""What an official or an enterprise finds after ``setup_demo``: a published catalog, the closed
2026 call with applications in every state issue 3 knows, and a call open today."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jigai.accounts.models import User
from jigai.applications import services
from jigai.applications.amounts import support_amount
from jigai.applications.attachments import attachment_upload, detect_type
from jigai.applications.drafts import draft_parse
from jigai.applications.duplicates import SIMILARITY_THRESHOLD, name_similarity
from jigai.applications.eligibility import eligibility_check
from jigai.applications.models import Application, DuplicateFlag, ReferenceCounter
from jigai.audit.models import AuditEvent
from jigai.calls import defaults
from jigai.calls.choices import CallPhase, CallStatus
from jigai.calls.models import Call
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.defaults import default_catalog_items
from jigai.catalog.models import CatalogVersion
from jigai.demo.applications import demo_pdf
from jigai.demo.programme import DemoProgramme
from jigai.demo.projects import Applicant, ProjectGenerator
from jigai.demo.services import demo_business_data_wipe, demo_seed, demo_windows
from jigai.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

COUNT = 400
REFERENCE = re.compile(r"JG(\d{4})-(31\d{4})-(\d{5})")


@pytest.fixture
def seeded():
    return demo_seed(seed=42, enterprises=120, enterprise_users=120, applications=COUNT)


def programme() -> DemoProgramme:
    return DemoProgramme(
        catalog=CatalogVersion.objects.get(),
        closed_call=Call.objects.get(year=2026),
        open_call=Call.objects.exclude(year=2026).get(),
    )


def test_a_published_catalog_drafted_by_the_officer_and_published_by_the_head(seeded):
    catalog = CatalogVersion.objects.get()
    assert (catalog.year, catalog.status) == (2026, CatalogStatus.PUBLISHED)
    assert catalog.items.count() == len(default_catalog_items())
    assert catalog.created_by.username == "municipal"
    assert catalog.published_by is not None and catalog.published_by.username == "municipal_head"
    assert AuditEvent.objects.get(action="catalog.version.create").actor_username == "municipal"
    assert AuditEvent.objects.get(action="catalog.version.publish").actor_username == "municipal_head"


def test_the_2026_call_is_published_closed_and_holds_drafts_submissions_and_withdrawals(seeded):
    call = Call.objects.get(year=2026)
    assert call.title == defaults.CALL_2026_TITLE
    assert (call.opens_at, call.closes_at) == (defaults.CALL_2026_OPENS_AT, defaults.CALL_2026_CLOSES_AT)
    assert call.district_forward_date == dt.date(2026, 2, 6)
    assert call.status == CallStatus.PUBLISHED and call.phase() == CallPhase.CLOSED
    assert call.published_by is not None and call.published_by.username == "municipal_head"
    assert call.published_at is not None and call.published_at < call.opens_at
    statuses = Counter(call.applications.values_list("status", flat=True))
    assert set(statuses) == {"draft", "submitted", "withdrawn"}
    assert statuses["submitted"] > statuses["draft"] > 0
    assert len(set(call.applications.values_list("district_id", flat=True))) >= 8
    assert len(set(call.applications.values_list("direction__code", flat=True))) >= 10


def test_a_call_open_today_with_the_default_rules(seeded):
    call = programme().open_call
    now = timezone.now()
    assert call.is_open(now)
    local_open, local_close = timezone.localtime(call.opens_at), timezone.localtime(call.closes_at)
    today = timezone.localdate(now)
    assert (local_open.date(), local_open.time()) == (today - dt.timedelta(days=10), dt.time(0, 0))
    assert (local_close.date(), local_close.time()) == (today + dt.timedelta(days=60), dt.time(16, 0))
    assert "上海市产业转型升级（技术改造）专项申报通知" in call.title
    rules = call.rules
    assert rules.frozen and rules.support_rate == defaults.SUPPORT_RATE
    assert rules.cap_per_project == defaults.CAP_PER_PROJECT
    assert rules.min_total_investment == defaults.MIN_TOTAL_INVESTMENT


def test_the_demo_enterprise_has_a_submission_a_draft_and_can_apply_today(seeded):
    user = User.objects.get(username="enterprise_demo")
    enterprise = Enterprise.objects.get(organisation=user.organisation)
    assert enterprise.status == "confirmed"
    own = Application.objects.filter(enterprise=enterprise)
    assert sorted(own.values_list("call__year", "status")) == [(2026, "draft"), (2026, "submitted")]
    open_call = programme().open_call
    assert not own.filter(call=open_call).exists()

    # The enterprise applies in the open call, and its number continues the district's series.
    counter = ReferenceCounter.objects.get(year=open_call.year, district_id=enterprise.district_id)
    application = services.application_create(actor=user, call=open_call)
    applicant = Applicant(0, enterprise.district_id, enterprise.industry_id, enterprise.address)
    (spec,) = ProjectGenerator(7, demo_windows(programme(), timezone.now())).ready_drafts([applicant], "test")
    application = services.application_save_draft(
        actor=user, application=application, data=draft_parse(spec.draft_input()), expected_lock_version=0
    )
    for code in spec.attachments:
        attachment_upload(
            actor=user,
            application=application,
            requirement_code=code,
            uploaded_file=SimpleUploadedFile(f"{code}.pdf", demo_pdf(code), content_type="application/pdf"),
        )
    submitted = services.application_submit(actor=user, application=application)
    expected = f"JG{open_call.year}-{enterprise.district_id}-{counter.last_serial + 1:05d}"
    assert submitted.reference_number == expected


def test_every_submission_meets_the_amount_rule_and_every_rule_when_it_was_made(seeded):
    applications = Application.objects.exclude(status="draft").select_related(
        "call", "rules", "enterprise", "enterprise__organisation", "direction"
    )
    assert applications.count() > COUNT * 0.7
    for a in applications:
        rules = a.rules
        assert a.requested_support == support_amount(
            rate=rules.support_rate, eligible_input=a.total_investment, cap=rules.cap_per_project
        )
        assert a.total_investment == sum(line.amount for line in a.investment_lines.all())
        assert a.call.opens_at <= a.submitted_at < a.call.closes_at
        failed = [r.message for r in eligibility_check(a, a.submitted_at) if not r.passed]
        assert failed == [], (a.name, failed)


def test_reference_numbers_are_unique_in_submission_order_and_the_counters_continue_them(seeded):
    rows = Application.objects.exclude(status="draft").order_by("submitted_at", "id")
    numbers = list(rows.values_list("reference_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert not Application.objects.filter(status="draft", reference_number__isnull=False).exists()
    series: dict[tuple[int, str], list[int]] = defaultdict(list)
    for a in rows.select_related("call"):
        match = REFERENCE.fullmatch(a.reference_number)
        assert match and int(match[1]) == a.call.year and match[2] == a.district_id
        series[(a.call.year, a.district_id)].append(int(match[3]))
    for (year, district), serials in series.items():
        assert serials == list(range(1, len(serials) + 1)), (year, district)
        assert ReferenceCounter.objects.get(year=year, district_id=district).last_serial == len(serials)


def test_history_near_duplicate_flags_and_attachments(seeded, media_in_tmp):
    expected_steps = {
        "draft": ["create"],
        "submitted": ["create", "submit"],
        "withdrawn": ["create", "submit", "withdraw"],
    }
    for a in Application.objects.prefetch_related("transitions"):
        steps = list(a.transitions.order_by("created_at", "id"))
        assert [t.action for t in steps] == expected_steps[a.status]
        assert steps[0].created_at == a.created_at and steps[-1].to_status == a.status
        if a.status == "withdrawn":
            assert steps[-1].comment
    flagged = Application.objects.filter(has_duplicate_flags=True)
    assert flagged.exists()
    assert DuplicateFlag.objects.count() == flagged.count()
    for a in Application.objects.exclude(status="draft"):
        earlier = Application.objects.filter(
            enterprise=a.enterprise_id, submitted_at__lt=a.submitted_at
        ).exclude(status="draft")
        similar = [o for o in earlier if name_similarity(a.name, o.name) >= SIMILARITY_THRESHOLD]
        assert a.has_duplicate_flags == bool(similar), a.name
    submitted = Application.objects.filter(status="submitted").first()
    assert submitted is not None
    required = {code for code, _n, req, _t, _s in defaults.ATTACHMENTS if req}
    assert required <= set(submitted.attachments.values_list("requirement_code", flat=True))
    for attachment in submitted.attachments.all():
        with attachment.file.open("rb") as f:
            assert detect_type(f) == "pdf"
        assert attachment.original_name.endswith(".pdf") and attachment.size == attachment.file.size


def test_one_audit_event_summarises_the_generated_applications(seeded):
    summary = AuditEvent.objects.get(action="demo.seed")
    assert summary.changes["applications"] == {"before": 0, "after": COUNT}
    assert set(summary.changes["applications_by_status"]["after"]) == {"draft", "submitted", "withdrawn"}
    assert f"{COUNT} 份申报" in summary.message
    assert not AuditEvent.objects.filter(action__startswith="application.").exists()
    assert seeded.applications.count == COUNT == Application.objects.count()


def test_the_same_seed_gives_the_same_applications():
    now = timezone.now()

    def generated() -> list[tuple[object, ...]]:
        return list(
            Application.objects.order_by("id").values_list(
                "reference_number", "status", "name", "project_code", "requested_support", "submitted_at"
            )
        )

    demo_seed(seed=9, enterprises=60, enterprise_users=60, applications=80, attachments=False, now=now)
    first = generated()
    demo_business_data_wipe(reason="test")
    demo_seed(seed=9, enterprises=60, enterprise_users=60, applications=80, attachments=False, now=now)
    assert generated() == first and len(first) == 80
    demo_business_data_wipe(reason="test")
    demo_seed(seed=10, enterprises=60, enterprise_users=60, applications=80, attachments=False, now=now)
    assert {row[3] for row in generated()}.isdisjoint({row[3] for row in first})
