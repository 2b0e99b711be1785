"""Pages of the district review, the recommendation documents and the municipal first review.

They keep the addresses and URL names they had in the review app: jigai/urls.py mounts the
``urlpatterns`` of the review stage's apps together under /review/ in the ``review`` namespace.
"""

from django.urls import path

from jigai.recommendations import views, views_municipal

urlpatterns = [
    # District review and recommendation (views.py)
    path("district/", views.workbench, name="district_workbench"),
    path("district/start/", views.batch_start, name="district_batch_start"),
    path("district/prepare/", views.prepare, name="district_prepare"),
    path("district/<int:pk>/", views.detail, name="district_detail"),
    path("district/<int:pk>/start/", views.start, name="district_start"),
    path("district/<int:pk>/return/", views.return_for_correction, name="district_return"),
    path("district/<int:pk>/decline/", views.decline, name="district_decline"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/sign/", views.recommendation_sign, name="recommendation_sign"),
    path("recommendations/<int:pk>/update/", views.recommendation_update, name="recommendation_update"),
    path("recommendations/<int:pk>/withdraw/", views.recommendation_withdraw, name="recommendation_withdraw"),
    # The enterprise: returned applications, their items, resubmission
    path("corrections/", views.my_returns, name="my_returns"),
    path("corrections/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    # Municipal first review (views_municipal.py)
    path("municipal/", views_municipal.queue, name="municipal_list"),
    path("municipal/batch/", views_municipal.batch, name="municipal_batch"),
    path("municipal/<int:pk>/return/", views_municipal.return_for_correction, name="municipal_return"),
]
