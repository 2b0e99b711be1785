from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "jigai.applications"
    verbose_name = "项目申报"
