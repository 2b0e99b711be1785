"""Permission matrix of /api/v1/applications: every endpoint × every role (and anonymous).

The application each row acts on belongs to the acting enterprise user when the role is
``enterprise`` (so "allowed" means its own), otherwise to a confirmed enterprise in 浦东新区, the
district of the matrix's district users. Roles that cannot see the application get 404 (its
existence is not revealed); roles that see it but may not act get 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.tests.conftest import (
    CALL_DIRECTIONS,
    PDF,
    eligible_application_for,
    upload,
)
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role
from jigai.core.testing.permissions import SIGNED_IN, Endpoint, endpoint_matrix_test

BASE = "/api/v1/applications"
READERS = frozenset(
    {
        Role.ENTERPRISE,
        Role.DISTRICT_OFFICER,
        Role.DISTRICT_HEAD,
        Role.MUNICIPAL_OFFICER,
        Role.MUNICIPAL_HEAD,
        Role.FINANCE_OFFICER,
        # the district finance bureau reads the projects of its own district (it pays their share)
        Role.DISTRICT_FINANCE_OFFICER,
        Role.NDRC_VIEWER,
        Role.SUPERVISOR,
    }
)
APPLICANT = frozenset({Role.ENTERPRISE})
LISTERS = SIGNED_IN - {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}


def _open_call() -> Any:
    return factories.open_call(direction_codes=CALL_DIRECTIONS)


def _applicant(user: Any) -> Any:
    if user is not None and user.role == Role.ENTERPRISE:
        return user
    return user_for_role(Role.ENTERPRISE, district_code="310115")


def draft(user: Any) -> dict[str, Any]:
    application = services.application_create(actor=_applicant(user), call=_open_call())
    return {"application_id": application.pk, "body": {"lock_version": 0, "name": "矩阵测试项目"}}


def eligible(user: Any) -> dict[str, Any]:
    applicant = _applicant(user)
    return {"application_id": eligible_application_for(applicant, _open_call()).pk}


def submitted(user: Any) -> dict[str, Any]:
    applicant = _applicant(user)
    application = services.application_submit(
        actor=applicant, application=eligible_application_for(applicant, _open_call())
    )
    return {
        "application_id": application.pk,
        "attachment_id": application.attachments.get(requirement_code="business_licence").pk,
    }


def draft_with_attachment(user: Any) -> dict[str, Any]:
    applicant = _applicant(user)
    application = services.application_create(actor=applicant, call=_open_call())
    attachment = upload(applicant, application, "business_licence")
    return {"application_id": application.pk, "attachment_id": attachment.pk}


def call_to_apply_to(user: Any) -> dict[str, Any]:
    return {"body": {"call_id": _open_call().pk}}


def upload_body(user: Any) -> dict[str, Any]:
    values = draft(user)
    values["body"] = {
        "requirement_code": "business_licence",
        "file": SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf"),
    }
    return values


ENDPOINTS = [
    Endpoint("POST", BASE, allowed=APPLICANT, setup=call_to_apply_to),
    Endpoint("GET", BASE, allowed=LISTERS),
    Endpoint("GET", BASE + "/export", allowed=LISTERS),
    Endpoint("GET", BASE + "/{application_id}", allowed=READERS, setup=submitted, denied_status=(404,)),
    Endpoint("PUT", BASE + "/{application_id}", allowed=APPLICANT, setup=draft, denied_status=(404,)),
    Endpoint(
        "GET", BASE + "/{application_id}/eligibility", allowed=READERS, setup=submitted, denied_status=(404,)
    ),
    Endpoint(
        "POST", BASE + "/{application_id}/submit", allowed=APPLICANT, setup=eligible, denied_status=(404,)
    ),
    Endpoint(
        "POST",
        BASE + "/{application_id}/withdraw",
        allowed=APPLICANT,
        setup=submitted,
        body={"reason": "项目调整"},
        denied_status=(403, 404),
    ),
    Endpoint(
        "POST",
        BASE + "/{application_id}/attachments",
        allowed=APPLICANT,
        setup=upload_body,
        denied_status=(404,),
        extra={"multipart": True},
    ),
    Endpoint(
        "GET",
        BASE + "/{application_id}/attachments/{attachment_id}",
        allowed=READERS,
        setup=submitted,
        denied_status=(404,),
    ),
    Endpoint(
        "DELETE",
        BASE + "/{application_id}/attachments/{attachment_id}",
        allowed=APPLICANT,
        setup=draft_with_attachment,
        denied_status=(404,),
    ),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
