"""Permission matrix of the system endpoints (jigai/api.py) and /me."""

from jigai.core.testing.permissions import ANYONE, SIGNED_IN, Endpoint, endpoint_matrix_test

ENDPOINTS = [
    Endpoint("GET", "/api/v1/ping", allowed=ANYONE),
    Endpoint("GET", "/api/v1/health", allowed=ANYONE),
    Endpoint("GET", "/api/v1/me", allowed=SIGNED_IN),
]

test_api_permissions = endpoint_matrix_test(ENDPOINTS)
