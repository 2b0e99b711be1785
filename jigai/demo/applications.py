"""Writing the generated applications (``jigai.demo.projects``) in bulk: hundreds for the demo,
200,000 for the bench, in minutes rather than hours.

Each application is written as the services would have left it, without going through them one
by one: the totals, the fixed-asset share and the requested support come from
:func:`jigai.applications.eligibility.compute_totals` (the amount rule of
:mod:`jigai.applications.amounts`, the same the services use) under the call's rules; submitted and
withdrawn ones carry a reference number in the format of :mod:`jigai.applications.numbering`, given
per year and district in submission order, and the counter rows are set so that the next real
submission continues the series; the history has a row per transition (create, submit, withdraw)
at the generated moments; a second phase flagged at its submission has its
:class:`~jigai.applications.models.DuplicateFlag`. Attachments (optional: the bench leaves them out)
are small PDF files stored like uploads. The whole is summarised by the caller's one audit event.

The rows go in as plain INSERTs (:class:`jigai.demo.bulk.RowWriter`) with the applications' ids
given here, so that their lines, history and flags can name them without reading them back.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from itertools import islice

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus, DuplicateKind
from jigai.applications.duplicates import name_similarity
from jigai.applications.eligibility import compute_totals
from jigai.applications.models import (
    Application,
    ApplicationTransition,
    Attachment,
    DuplicateFlag,
    InvestmentLine,
    OtherFunding,
    PrerequisiteRecord,
    ReferenceCounter,
)
from jigai.applications.numbering import format_reference_number
from jigai.calls.models import Call, CallRules
from jigai.demo.bulk import RowWriter, next_id, reset_sequences
from jigai.demo.projects import CLOSED, OPEN, ApplicationSpec

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EnterpriseRef:
    """The ids an application of an enterprise needs."""

    enterprise_id: int
    district_code: str
    user_id: int


@dataclass
class ApplicationsSummary:
    count: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_call: Counter[str] = field(default_factory=Counter)
    near_duplicates: int = 0
    attachments: int = 0


@dataclass(frozen=True)
class _CallData:
    call: Call
    rules: CallRules
    items: dict[str, tuple[str, bool]]  # code -> (name, is fixed asset)
    prerequisites: dict[str, str]  # code -> name
    attachments: dict[str, str]  # requirement code -> name
    directions: dict[str, int]  # catalog item code -> id


def _call_data(call: Call) -> _CallData:
    rules = call.rules
    return _CallData(
        call=call,
        rules=rules,
        directions=dict(call.catalog_version.items.values_list("code", "id")),
        items={i.code: (i.name, i.is_fixed_asset) for i in rules.investment_items.all()},
        prerequisites={p.code: p.name for p in rules.prerequisites.all()},
        attachments={a.code: a.name for a in rules.attachment_requirements.all()},
    )


def demo_pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing ``text`` (ASCII) — the stand-in of a scanned document."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "/").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 770 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _batches(items: Iterable[ApplicationSpec], size: int) -> Iterator[list[ApplicationSpec]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class _Written:
    """What the flag of a later near duplicate says about an application written before it."""

    pk: int
    name: str
    call_title: str
    reference_number: str | None
    status: str


APPLICATION_FIELDS = (
    "id",
    "call",
    "rules",
    "enterprise",
    "district",
    "reference_number",
    "status",
    "name",
    "project_code",
    "site_district",
    "site_address",
    "in_planned_block",
    "start_date",
    "end_date",
    "direction",
    "summary",
    "project_lead_name",
    "project_lead_id_number",
    "total_investment",
    "fixed_asset_investment",
    "fixed_asset_share",
    "requested_support",
    "own_funds",
    "bank_loans",
    "financing_lease",
    "other_financing",
    "new_output_value",
    "new_product_output_value",
    "new_tax",
    "energy_saved_tce",
    "emissions_reduced_t",
    "jobs_created",
    "has_duplicate_flags",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "lock_version",
)
# saved once as a draft, then once more by each transition
LOCK_VERSIONS = {ApplicationStatus.DRAFT: 1, ApplicationStatus.SUBMITTED: 2, ApplicationStatus.WITHDRAWN: 3}


class _Writer:
    def __init__(
        self, calls: dict[str, Call], enterprises: dict[int, EnterpriseRef], attachments: bool, first_id: int
    ) -> None:
        self.calls = {key: _call_data(call) for key, call in calls.items()}
        self.enterprises = enterprises
        self.with_attachments = attachments
        self.next_id = first_id
        self.serials: Counter[tuple[int, str]] = Counter()
        self.summary = ApplicationsSummary()
        self.previous: _Written | None = (
            None  # the earlier half of a near-duplicate pair comes just before it
        )
        self.applications = RowWriter(Application, APPLICATION_FIELDS)
        self.lines = RowWriter(
            InvestmentLine, ("application", "item_code", "item_name", "is_fixed_asset", "amount")
        )
        self.prerequisites = RowWriter(
            PrerequisiteRecord, ("application", "code", "name", "done", "document_number", "document_date")
        )
        self.funding = RowWriter(OtherFunding, ("application", "programme", "authority", "amount", "status"))
        self.transitions = RowWriter(
            ApplicationTransition,
            (
                "application",
                "from_status",
                "to_status",
                "action",
                "actor",
                "actor_role",
                "comment",
                "created_at",
            ),
        )
        self.flags = RowWriter(
            DuplicateFlag, ("application", "other", "kind", "similarity", "detail", "created_at")
        )
        self.files = RowWriter(
            Attachment,
            (
                "application",
                "requirement_code",
                "file",
                "original_name",
                "detected_type",
                "size",
                "sha256",
                "uploaded_by",
                "uploaded_at",
            ),
        )
        self.writers = (
            self.applications,
            self.lines,
            self.prerequisites,
            self.funding,
            self.transitions,
            self.flags,
            self.files,
        )

    def reference_number(self, call: Call, district: str) -> str:
        self.serials[(call.year, district)] += 1
        return format_reference_number(call.year, district, self.serials[(call.year, district)])

    def write(self, batch: list[ApplicationSpec]) -> None:
        for spec in batch:
            self.add(spec)
        for writer in self.writers:  # parents first: the foreign keys are checked as rows arrive
            writer.flush()

    def add(self, spec: ApplicationSpec) -> None:
        data = self.calls[spec.call]
        ref = self.enterprises[spec.enterprise_index]
        pk, self.next_id = self.next_id, self.next_id + 1
        totals = compute_totals(((amount, data.items[code][1]) for code, amount in spec.lines), data.rules)
        number = None
        if spec.status != ApplicationStatus.DRAFT:
            number = self.reference_number(data.call, ref.district_code)
        self.applications.add(
            pk,
            data.call.pk,
            data.rules.pk,
            ref.enterprise_id,
            ref.district_code,
            number,
            spec.status,
            spec.name,
            spec.project_code,
            spec.site_district,
            spec.site_address,
            spec.in_planned_block,
            spec.start_date,
            spec.end_date,
            data.directions[spec.direction_code],
            spec.summary,
            spec.project_lead_name,
            spec.project_lead_id_number,
            totals.total,
            totals.fixed_assets,
            totals.share,
            totals.requested_support,
            spec.own_funds,
            spec.bank_loans,
            spec.financing_lease,
            spec.other_financing,
            spec.new_output_value,
            spec.new_product_output_value,
            spec.new_tax,
            spec.energy_saved_tce,
            spec.emissions_reduced_t,
            spec.jobs_created,
            spec.similar_to is not None,
            ref.user_id,
            spec.created_at,
            spec.updated_at,
            spec.submitted_at,
            LOCK_VERSIONS[ApplicationStatus(spec.status)],
        )
        for code, amount in spec.lines:
            name, fixed = data.items[code]
            self.lines.add(pk, code, name, fixed, amount)
        for p in spec.prerequisites:
            self.prerequisites.add(
                pk, p.code, data.prerequisites[p.code], p.done, p.document_number, p.document_date
            )
        for programme, authority, amount, status in spec.other_funding:
            self.funding.add(pk, programme, authority, amount, status)
        self._transitions(spec, pk, ref.user_id)
        if spec.similar_to is not None:
            self._flag(spec, pk, self.previous)
        if self.with_attachments:
            self._attachments(spec, pk, data, ref.user_id)
        self.previous = _Written(pk, spec.name, data.call.title, number, spec.status)
        self.summary.count += 1
        self.summary.by_status[spec.status] += 1
        self.summary.by_call[spec.call] += 1

    def _transitions(self, spec: ApplicationSpec, pk: int, user_id: int) -> None:
        add = self.transitions.add
        add(pk, "", ApplicationStatus.DRAFT, "create", user_id, Role.ENTERPRISE, "", spec.created_at)
        if spec.submitted_at is not None:
            add(
                pk,
                ApplicationStatus.DRAFT,
                ApplicationStatus.SUBMITTED,
                "submit",
                user_id,
                Role.ENTERPRISE,
                "",
                spec.submitted_at,
            )
        if spec.withdrawn_at is not None:
            add(
                pk,
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.WITHDRAWN,
                "withdraw",
                user_id,
                Role.ENTERPRISE,
                spec.withdraw_reason,
                spec.withdrawn_at,
            )

    def _flag(self, spec: ApplicationSpec, pk: int, other: _Written | None) -> None:
        """The flag the submission raises (same words as ``duplicates.flag_near_duplicates``)."""
        assert other is not None
        ratio = name_similarity(spec.name, other.name)
        described = _("本企业的“%(name)s”（%(call)s，编号 %(ref)s，%(status)s）") % {
            "name": other.name,
            "call": other.call_title,
            "ref": other.reference_number or "—",
            "status": ApplicationStatus(other.status).label,
        }
        percent = f"{Decimal(ratio * 100).quantize(Decimal('1'), rounding=ROUND_DOWN)}%"
        self.flags.add(
            pk,
            other.pk,
            DuplicateKind.SIMILAR_NAME,
            Decimal(ratio).quantize(Decimal("0.001"), rounding=ROUND_DOWN),
            (_("与%(other)s名称相近（相似度 %(ratio)s）") % {"other": described, "ratio": percent})[:300],
            spec.submitted_at,
        )
        self.summary.near_duplicates += 1

    def _attachments(self, spec: ApplicationSpec, pk: int, data: _CallData, user_id: int) -> None:
        for n, code in enumerate(spec.attachments):
            content = demo_pdf(f"Jigai demo document: {code}, project {spec.project_code}")
            # Named like an upload (models.attachment_path), but drawn from the spec: same seed, same names.
            token = uuid.UUID(
                int=int(hashlib.sha256(f"{spec.project_code}:{n}".encode()).hexdigest()[:32], 16)
            )
            name = default_storage.save(f"applications/{pk}/{token.hex}", ContentFile(content))
            self.files.add(
                pk,
                code,
                name,
                f"{data.attachments[code]}.pdf",
                "pdf",
                len(content),
                hashlib.sha256(content).hexdigest(),
                user_id,
                spec.created_at,
            )
            self.summary.attachments += 1

    def set_counters(self) -> None:
        """The last serial given per year and district, so that real submissions continue after it."""
        for (year, district), serial in self.serials.items():
            counter, _created = ReferenceCounter.objects.get_or_create(year=year, district_id=district)
            if counter.last_serial < serial:
                counter.last_serial = serial
                counter.save(update_fields=["last_serial"])


def demo_applications_write(
    *,
    specs: Iterable[ApplicationSpec],
    closed_call: Call,
    open_call: Call,
    enterprises: dict[int, EnterpriseRef],
    attachments: bool,
    batch_size: int,
    progress: Progress,
) -> ApplicationsSummary:
    """Write ``specs`` (in their order: the submission order of each call) in batches."""
    writer = _Writer({CLOSED: closed_call, OPEN: open_call}, enterprises, attachments, next_id(Application))
    for number, batch in enumerate(_batches(specs, batch_size), start=1):
        writer.write(batch)
        if number % 10 == 0:
            progress(f"  {writer.summary.count} 份申报…")
    reset_sequences(Application)
    writer.set_counters()
    return writer.summary
