"""REST endpoints of the accounts app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["accounts"])
