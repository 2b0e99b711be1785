"""The public publicity pages (no sign-in), mounted at /publicity/ by jigai/urls.py."""

from django.urls import path

from jigai.decisions import views_public

app_name = "publicity"
urlpatterns = [
    path("", views_public.public_index, name="index"),
    path("<int:pk>/", views_public.public_detail, name="detail"),
]
