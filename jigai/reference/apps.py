from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "jigai.reference"
    verbose_name = "参考数据"
