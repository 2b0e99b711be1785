from django.urls import path

from jigai.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/confirm/", views.enterprise_confirm, name="confirm"),
    path("<int:pk>/reject/", views.enterprise_reject, name="reject"),
    path("register/", views.enterprise_register, name="register"),
    path("register/done/", views.enterprise_register_done, name="register_done"),
    path("me/", views.enterprise_me, name="me"),
    path("me/users/", views.enterprise_me_user_add, name="me_user_add"),
]
