from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jigai.accounts"
    verbose_name = "账户与机构"
