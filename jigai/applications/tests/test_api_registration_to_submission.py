"""Issue 3's acceptance walk through the API: an enterprise registers, its district confirms it, and
it applies to an open call up to a submitted application — every step a user of the API takes."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jigai.accounts.choices import Role
from jigai.applications.tests.conftest import LEAD_ID, PDF, project_code
from jigai.calls import defaults
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data

API = "/api/v1"


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, data=json.dumps(body or {}, default=str), content_type="application/json")


def test_registration_to_a_submitted_application(client, open_call):
    registered = post(
        client, f"{API}/enterprises/register", {**registration_data(), **account_data(username="walk_user")}
    )
    assert registered.status_code == 201, registered.content
    enterprise_id = registered.json()["enterprise"]["id"]

    # Not yet confirmed: the enterprise cannot apply, and is told why.
    assert client.login(username="walk_user", password=GOOD_PASSWORD)
    refused = post(client, f"{API}/applications", {"call_id": open_call.pk})
    assert refused.status_code == 403
    assert refused.json()["message"]

    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    assert post(client, f"{API}/enterprises/{enterprise_id}/confirm").status_code == 200

    assert client.login(username="walk_user", password=GOOD_PASSWORD)
    created = post(client, f"{API}/applications", {"call_id": open_call.pk})
    assert created.status_code == 201, created.content
    application = created.json()
    today = application["created_at"][:10]
    draft = {
        "lock_version": application["lock_version"],
        "name": "高精度减速器智能装配线技术改造项目",
        "project_code": project_code(),
        "direction": "1.2",
        "summary": "新建减速器自动化装配与在线检测产线，部署制造执行系统。",
        "start_date": today,
        "end_date": f"{int(today[:4]) + 1}{today[4:]}",
        "project_lead_name": "陈晓燕",
        "project_lead_id_number": LEAD_ID,
        "own_funds": "18000000",
        "bank_loans": "12000000",
        "investment_lines": [
            {"item_code": "equipment", "amount": "20000000"},
            {"item_code": "installation", "amount": "2000000"},
            {"item_code": "software", "amount": "8000000"},
        ],
        "prerequisites": [
            {"code": code, "done": True, "document_number": "沪浦发改备〔2026〕66号" if needs else ""}
            for code, _name, needs in defaults.PREREQUISITES
        ],
    }
    saved = client.put(
        f"{API}/applications/{application['id']}", data=json.dumps(draft), content_type="application/json"
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["requested_support"] == "3000000.00"  # 10 % of 3,000 万元

    for code, _name, required, _types, _size in defaults.ATTACHMENTS:
        if required:
            uploaded = client.post(
                f"{API}/applications/{application['id']}/attachments",
                data={
                    "requirement_code": code,
                    "file": SimpleUploadedFile(f"{code}.pdf", PDF, "application/pdf"),
                },
            )
            assert uploaded.status_code == 201, uploaded.content

    submitted = post(client, f"{API}/applications/{application['id']}/submit")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["reference_number"].startswith(f"JG{open_call.opens_at.year}-310115-")

    # The district sees it; another district does not.
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    assert client.get(f"{API}/applications/{application['id']}").status_code == 200
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert client.get(f"{API}/applications/{application['id']}").status_code == 404
