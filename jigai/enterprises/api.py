"""REST endpoints of the enterprises app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["enterprises"])
