"""Template helpers of the district review for other apps' pages.

The enterprise's application page shows the returns with their items::

    {% load review_district %}
    {% corrections_for application as corrections %}
    {% include "recommendations/district_corrections.html" with corrections=corrections %}
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def corrections_for(context: dict[str, Any], application: Any) -> list[Any]:
    """The returns of ``application`` with their items, as the signed-in user may see them."""
    from jigai.recommendations.selectors import correction_requests

    request = context.get("request")
    user = getattr(request, "user", None)
    if application is None or user is None:
        return []
    return correction_requests(actor=user, application=application)
