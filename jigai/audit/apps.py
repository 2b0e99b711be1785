from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jigai.audit"
    verbose_name = "审计"
