from django.urls import include, path

from jigai.api import api

urlpatterns = [
    path("", include("jigai.core.urls")),
    path("accounts/", include("jigai.accounts.urls")),
    path("enterprises/", include("jigai.enterprises.urls")),
    path("reference/", include("jigai.reference.urls")),
    path("audit/", include("jigai.audit.urls")),
    path("catalog/", include("jigai.catalog.urls")),
    path("calls/", include("jigai.calls.urls")),
    path("applications/", include("jigai.applications.urls")),
    path("review/", include("jigai.review.urls")),
    path("funds/", include("jigai.funds.urls")),
    path("publicity/", include("jigai.review.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "jigai.core.views.error_403"
handler404 = "jigai.core.views.error_404"
handler500 = "jigai.core.views.error_500"
