"""The user's notifications, under /review/notifications/ in the ``review`` namespace (where they
were before the review app was split; see jigai/urls.py)."""

from django.urls import path

from jigai.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.bell, name="notifications_bell"),
    path("notifications/read-all/", views.read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.read, name="notification_read"),
]
