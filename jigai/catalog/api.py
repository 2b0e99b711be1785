"""REST endpoints of the catalog app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["catalog"])
