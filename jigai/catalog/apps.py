from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "jigai.catalog"
    verbose_name = "支持目录"
