"""REST endpoints of the reference app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["reference"])
