"""Fixtures of the district review, municipal first review and notification tests: the people of
浦东新区 (an enterprise, the bureau's officer and head, each with an e-mail address), the
commission's officer and head, and applications submitted to an open call.

Test modules import what they use (``from jigai.recommendations.tests.district_fixtures import *``): the
review app's tests are written by several people, so these are not in a shared conftest.
"""

from __future__ import annotations

from typing import Any

import pytest

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.models import Application
from jigai.applications.tests.conftest import CALL_DIRECTIONS, eligible_application_for, make_enterprise
from jigai.calls.models import Call
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role
from jigai.recommendations import services as district

PUDONG = "310115"
XUHUI = "310104"


def with_email(user: Any) -> Any:
    user.email = f"{user.username}@example.gov.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture(autouse=True)
def review_media_in_tmp(settings: Any, tmp_path: Any) -> Any:
    """Uploaded attachments of a test go to its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def call(db: Any) -> Call:
    factories.published_catalog()
    return factories.open_call(direction_codes=CALL_DIRECTIONS)


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    """Who acts: the Pudong enterprise user, the Pudong officer and head, the commission's officer and
    head, Xuhui's officer and head (another district), each with an e-mail address."""
    enterprise = make_enterprise(district_code=PUDONG)
    return {
        "enterprise": with_email(user_for_role(Role.ENTERPRISE, enterprise=enterprise)),
        "officer": with_email(user_for_role(Role.DISTRICT_OFFICER, district_code=PUDONG)),
        "head": with_email(user_for_role(Role.DISTRICT_HEAD, district_code=PUDONG)),
        "municipal": with_email(user_for_role(Role.MUNICIPAL_OFFICER)),
        "municipal_head": with_email(user_for_role(Role.MUNICIPAL_HEAD)),
        "other_officer": with_email(user_for_role(Role.DISTRICT_OFFICER, district_code=XUHUI)),
        "other_head": with_email(user_for_role(Role.DISTRICT_HEAD, district_code=XUHUI)),
    }


def submit_new(people: dict[str, Any], call: Call, **overrides: Any) -> Application:
    applicant = people["enterprise"]
    application = eligible_application_for(applicant, call, **overrides)
    return services.application_submit(actor=applicant, application=application)


def in_review(people: dict[str, Any], call: Call, **overrides: Any) -> Application:
    application = submit_new(people, call, **overrides)
    return district.district_start(actor=people["officer"], application=application)


def project_code_for(n: int) -> str:
    from jigai.applications.tests.conftest import project_code

    del n
    return project_code()


@pytest.fixture
def submitted(people: dict[str, Any], call: Call) -> Application:
    return submit_new(people, call)


@pytest.fixture
def reviewing(people: dict[str, Any], call: Call) -> Application:
    return in_review(people, call)


def several_in_review(people: dict[str, Any], call: Call, n: int) -> list[Application]:
    """``n`` applications of the Pudong enterprise under district review (distinct projects)."""
    names = [
        "数控机床智能工厂",
        "新能源电池极片产线",
        "集成电路封装测试线",
        "生物医药制剂车间",
        "高端轴承热处理线",
    ]
    return [
        in_review(
            people, call, name=f"{names[i % len(names)]}技术改造项目{i}", project_code=project_code_for(i)
        )
        for i in range(n)
    ]


def reload(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


__all__ = [
    "PUDONG",
    "XUHUI",
    "call",
    "in_review",
    "people",
    "reload",
    "review_media_in_tmp",
    "reviewing",
    "several_in_review",
    "submit_new",
    "submitted",
    "with_email",
]
