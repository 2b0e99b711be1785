"""Fixtures of the applications tests: the published catalog, open and closed calls with the 2026
default rules (from the shared factories), a confirmed enterprise and its user, and drafts from
empty to eligible.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.attachments import attachment_upload
from jigai.applications.drafts import ApplicationDraft, draft_parse
from jigai.applications.models import Application
from jigai.calls import defaults
from jigai.calls.models import Call
from jigai.catalog.models import CatalogVersion
from jigai.core.testing import factories
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.credit import id_number_check_char
from jigai.enterprises.models import Enterprise

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 16
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16


def office_file(folder: str) -> bytes:
    """A minimal OOXML package: ``word`` for a .docx, ``xl`` for a .xlsx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("发票/001.txt", "invoice")
    return buffer.getvalue()


def id_number(body: str = "31011519800101123") -> str:
    """A resident identity card number with a correct check character."""
    return body + id_number_check_char(body)


LEAD_ID = id_number()


def make_enterprise(**kwargs: Any) -> Enterprise:
    """A confirmed enterprise (EnterpriseFactory), typed as the model."""
    enterprise = EnterpriseFactory(**kwargs)
    assert isinstance(enterprise, Enterprise)
    return enterprise


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files of a test go to its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


#: the call's eligible directions (of the default catalog tree); 2.1 is in the catalog but not the call
CALL_DIRECTIONS = ["1.1", "1.2"]


@pytest.fixture
def catalog(db: Any) -> CatalogVersion:
    return factories.published_catalog()


@pytest.fixture
def open_call(catalog: CatalogVersion) -> Call:
    """Published, open now, the 2026 default rules, directions 1.1 and 1.2."""
    return factories.open_call(direction_codes=CALL_DIRECTIONS)


@pytest.fixture
def closed_call(catalog: CatalogVersion) -> Call:
    """The 2026 call, closed at 2026-02-04 16:00 Shanghai time."""
    return factories.closed_call(direction_codes=CALL_DIRECTIONS)


@pytest.fixture
def enterprise_user(db: Any) -> Any:
    """A user of a confirmed enterprise in 浦东新区 (310115)."""
    return user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310115"))


_serial = iter(range(10000, 99999))


def project_code(district: str = "310115") -> str:
    return f"{timezone.localdate().year}-{district}-34-03-{next(_serial):05d}1"


def valid_draft(**overrides: Any) -> ApplicationDraft:
    """A complete draft: 2,500 万元 in total, 72 % fixed assets, financed exactly, every prerequisite
    done — eligible once its attachments are uploaded. ``overrides`` replace fields."""
    today = timezone.localdate()
    raw: dict[str, Any] = {
        "name": "高端数控机床智能工厂技术改造项目",
        "project_code": project_code(),
        "site_district": "310115",
        "site_address": "上海市浦东新区金海路 1000 号",
        "in_planned_block": True,
        "start_date": (today - dt.timedelta(days=30)).isoformat(),
        "end_date": (today + dt.timedelta(days=365)).isoformat(),
        "direction": "1.1",
        "summary": "建设数控机床柔性生产线，实现关键工序数字化、网络化、智能化。",
        "project_lead_name": "李明",
        "project_lead_id_number": LEAD_ID,
        "own_funds": "15000000.00",
        "bank_loans": "10000000.00",
        "financing_lease": "0",
        "other_financing": "0",
        "new_output_value": "80000000",
        "jobs_created": 45,
        "investment_lines": [
            {"item_code": "equipment", "amount": "15000000.00"},
            {"item_code": "construction", "amount": "3000000.00"},
            {"item_code": "software", "amount": "5000000.00"},
            {"item_code": "testing", "amount": "2000000.00"},
        ],
        "prerequisites": [
            {
                "code": code,
                "done": True,
                "document_number": f"沪浦{code}〔2026〕12号" if needs else "",
                "document_date": (today - dt.timedelta(days=60)).isoformat(),
            }
            for code, _name, needs in defaults.PREREQUISITES
        ],
        "other_funding": [],
    }
    raw.update(overrides)
    return draft_parse(raw)


def save(actor: Any, application: Application, data: ApplicationDraft) -> Application:
    application.refresh_from_db()
    return services.application_save_draft(
        actor=actor, application=application, data=data, expected_lock_version=application.lock_version
    )


def upload(
    actor: Any, application: Application, code: str, content: bytes = PDF, name: str = "材料.pdf"
) -> Any:
    return attachment_upload(
        actor=actor,
        application=application,
        requirement_code=code,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def attach_required(actor: Any, application: Application) -> None:
    for code, _name, required, _types, _size in defaults.ATTACHMENTS:
        if required:
            upload(actor, application, code, name=f"{code}.pdf")


@pytest.fixture
def draft(enterprise_user: Any, open_call: Call) -> Application:
    return services.application_create(actor=enterprise_user, call=open_call)


@pytest.fixture
def eligible_draft(enterprise_user: Any, draft: Application) -> Application:
    application = save(enterprise_user, draft, valid_draft())
    attach_required(enterprise_user, application)
    application.refresh_from_db()
    return application


def eligible_application_for(user: Any, call: Call, **overrides: Any) -> Application:
    application = services.application_create(actor=user, call=call)
    application = save(user, application, valid_draft(**overrides))
    attach_required(user, application)
    application.refresh_from_db()
    return application


@pytest.fixture
def submitted(enterprise_user: Any, eligible_draft: Application) -> Application:
    return services.application_submit(actor=enterprise_user, application=eligible_draft)


def money(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture
def at() -> Iterator[Any]:
    """``at(moment)`` makes the platform's clock read ``moment`` for the rest of the test."""
    from unittest import mock

    patches: list[Any] = []

    def freeze(moment: dt.datetime) -> None:
        patcher = mock.patch("django.utils.timezone.now", return_value=moment)
        patcher.start()
        patches.append(patcher)

    yield freeze
    for patcher in patches:
        patcher.stop()
