from django.urls import path

from jigai.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("credit-code-exceptions/", views.credit_code_exceptions, name="credit_code_exceptions"),
]
