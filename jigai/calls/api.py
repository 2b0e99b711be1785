"""REST endpoints of the calls app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["calls"])
