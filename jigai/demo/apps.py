from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jigai.demo"
    verbose_name = "演示与压测数据"
