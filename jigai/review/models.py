"""The review app holds no models any more: its models moved to the apps of each stage
(recommendations, experts, decisions, notifications, workdays) with their tables, which keep their
``review_…`` names (see each app's migrations/0001 and migrations/0005 here).

Its migrations stay, so that an existing database's history is kept; the first of them names this
upload path by its old place.
"""

from jigai.decisions.models import objection_attachment_path

__all__ = ["objection_attachment_path"]
