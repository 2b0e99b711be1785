from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jigai.core"
    verbose_name = "平台核心"
