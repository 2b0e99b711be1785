from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Only the migration history of the tables the review stage's apps took over (see models.py)."""

    name = "jigai.review"
    verbose_name = "评审与决策（历史迁移）"
