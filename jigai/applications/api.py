"""REST endpoints of the applications app, mounted by jigai/api.py."""

from ninja import Router

router = Router(tags=["applications"])
