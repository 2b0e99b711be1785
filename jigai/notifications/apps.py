from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jigai.notifications"
    verbose_name = "通知"
