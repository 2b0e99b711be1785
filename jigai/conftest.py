"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):  # type: ignore[no-untyped-def]
    """Tests see the platform as a Chinese user does unless a test switches language."""
    settings.LANGUAGE_CODE = "zh-hans"
