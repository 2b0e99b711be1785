"""Every operation of the OpenAPI document has rows in a permission matrix.

Each app lists its endpoints in ``jigai/<app>/tests/test_api_permissions.py`` (``ENDPOINTS``); this
test imports every such module it finds under the ``jigai`` package, so an endpoint added without
its matrix rows fails here, and a row whose endpoint no longer exists fails too.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from typing import Any

import pytest

import jigai
from jigai.api import api

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def operation_key(method: str, path: str) -> str:
    """``GET /api/v1/calls/{}``: a matrix row may name its path placeholders as it likes."""
    return f"{method.upper()} {_PLACEHOLDER.sub('{}', path.split('?', 1)[0])}"


def permission_modules() -> list[Any]:
    """``jigai/<app>/tests/test_api_permissions.py`` and, for an app whose API is split by part,
    ``test_api_permissions_<part>.py`` beside it."""
    modules = []
    for info in pkgutil.iter_modules(jigai.__path__):
        if not info.ispkg:
            continue
        package = f"jigai.{info.name}.tests"
        try:
            spec = importlib.util.find_spec(package)
        except ModuleNotFoundError:  # the app has no tests package
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for module in pkgutil.iter_modules(spec.submodule_search_locations):
            if module.name == "test_api_permissions" or module.name.startswith("test_api_permissions_"):
                modules.append(importlib.import_module(f"{package}.{module.name}"))
    return modules


def listed_operations() -> set[str]:
    keys = set()
    for module in permission_modules():
        for endpoint in getattr(module, "ENDPOINTS", []):
            keys.add(operation_key(endpoint.method, endpoint.path))
    return keys


@pytest.fixture(scope="module")
def schema_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation_key(method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def test_permission_modules_are_found() -> None:
    names = {m.__name__ for m in permission_modules()}
    assert {
        "jigai.core.tests.test_api_permissions",
        "jigai.accounts.tests.test_api_permissions",
        "jigai.enterprises.tests.test_api_permissions",
    } <= names


def test_every_api_operation_has_permission_rows(schema_operations: set[str]) -> None:
    missing = sorted(schema_operations - listed_operations())
    assert not missing, (
        "These API operations have no row in any jigai/<app>/tests/test_api_permissions.py "
        f"ENDPOINTS list: {missing}"
    )


def test_every_permission_row_names_an_existing_operation(schema_operations: set[str]) -> None:
    stale = sorted(listed_operations() - schema_operations)
    assert not stale, f"These permission rows name no operation of the OpenAPI document: {stale}"
