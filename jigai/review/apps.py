from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "jigai.review"
    verbose_name = "评审与决策"
