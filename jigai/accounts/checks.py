"""Deploy checks of the accounts app (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def otp_not_waived(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """JIGAI_OTP_DEMO_EXEMPT is for the demo and the e2e tests only."""
    if getattr(settings, "JIGAI_OTP_DEMO_EXEMPT", False):
        return [
            Warning(
                "JIGAI_OTP_DEMO_EXEMPT is on: officials with no authenticator sign in with a password only.",
                hint="Unset JIGAI_OTP_DEMO_EXEMPT: it is for the demo (make run) and the e2e tests only.",
                id="jigai.W001",
            )
        ]
    return []
