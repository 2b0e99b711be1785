"""In-app notices to the users who must act next (also e-mailed, see services.py).

The tables keep the names they had in the review app (``review_…``): the models moved here
without moving any data (see migrations/0001).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Each user sees only the notices addressed to it."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class Notification(models.Model):
    """An in-app notice to a user who must act next (also e-mailed through the configured backend)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField("事项", max_length=60)
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.notification"

    class Meta:
        db_table = "review_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message
