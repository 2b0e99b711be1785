from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "jigai.calls"
    verbose_name = "申报通知"
