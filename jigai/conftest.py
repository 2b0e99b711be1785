"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from jigai.accounts.choices import Role


@pytest.fixture
def role_users(db):  # type: ignore[no-untyped-def]
    """One user per role (district roles in 浦东新区 310115), keyed by role value."""
    from jigai.core.testing.factories import user_for_role

    return {role: user_for_role(role) for role in Role.values}


@pytest.fixture
def other_district_users(db):  # type: ignore[no-untyped-def]
    """An enterprise user and a district officer in 徐汇区 310104, for negative scope tests."""
    from jigai.core.testing.factories import user_for_role

    return {
        Role.ENTERPRISE: user_for_role(Role.ENTERPRISE, district_code="310104"),
        Role.DISTRICT_OFFICER: user_for_role(Role.DISTRICT_OFFICER, district_code="310104"),
    }
