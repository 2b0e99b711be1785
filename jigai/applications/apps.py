from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "jigai.applications"
    verbose_name = "项目申报"
    # The district officer's to-do for submitted applications is registered by the recommendations
    # app (jigai/recommendations/apps.py), which owns the district review step.
