"""Fixtures of the enterprises tests: registration data that passes every rule, and an empty
rate-limit cache for each test (the limit counts per client address, and every test client is
127.0.0.1)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from jigai.reference.codes import generate_credit_code

GOOD_PASSWORD = "Qiye#2026reg"
_rng = random.Random(31011520)
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def registration_data(**overrides: Any) -> dict[str, Any]:
    """Enterprise fields of a registration in 浦东新区 that passes every rule (a fresh code each call)."""
    n = next(_serial)
    data: dict[str, Any] = {
        "credit_code": generate_credit_code(_rng, division="310115"),
        "name": f"上海张江精工智造有限公司{n}",
        "district": "310115",
        "address": "上海市浦东新区郭守敬路 498 号",
        "industry": "34",
        "employees": 420,
        "operating_revenue": Decimal("36000.00"),
        "legal_representative": "王建国",
        "contact_name": "陈晓燕",
        "contact_phone": "021-50801234",
        "contact_email": "chenxy@example.com",
        "high_tech_certificate_number": "GR202331001234",
        "high_tech_valid_until": "2027-12-31",
        "specialised_status": "municipal",
    }
    data.update(overrides)
    return data


def account_data(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    account: dict[str, Any] = {
        "username": f"zjjg{n}",
        "password": GOOD_PASSWORD,
        "display_name": "陈晓燕",
        "phone": "13800000000",
        "email": "chenxy@example.com",
    }
    account.update(overrides)
    return account


@pytest.fixture
def registration() -> dict[str, Any]:
    return registration_data()
