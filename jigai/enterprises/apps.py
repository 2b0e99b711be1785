from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "jigai.enterprises"
    verbose_name = "企业"
