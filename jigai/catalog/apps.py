from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "jigai.catalog"
    verbose_name = "支持目录"

    def ready(self) -> None:
        from jigai.accounts.choices import Role
        from jigai.catalog.todos import catalog_drafts
        from jigai.core import todos

        todos.register([Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD], catalog_drafts)
