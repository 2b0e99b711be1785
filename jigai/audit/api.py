"""REST endpoints of the audit app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["audit"])
