from django.urls import include, path

from jigai.api import api
from jigai.decisions import urls as decisions_urls
from jigai.experts import urls as experts_urls
from jigai.notifications import urls as notifications_urls
from jigai.recommendations import urls as recommendations_urls

# The review stage's pages keep the addresses (/review/…) and URL names (review:…) they had before
# the review app was split into the apps of each stage.
review_patterns = [
    *recommendations_urls.urlpatterns,
    *experts_urls.urlpatterns,
    *decisions_urls.urlpatterns,
    *notifications_urls.urlpatterns,
]

urlpatterns = [
    path("", include("jigai.core.urls")),
    path("accounts/", include("jigai.accounts.urls")),
    path("enterprises/", include("jigai.enterprises.urls")),
    path("reference/", include("jigai.reference.urls")),
    path("audit/", include("jigai.audit.urls")),
    path("catalog/", include("jigai.catalog.urls")),
    path("calls/", include("jigai.calls.urls")),
    path("applications/", include("jigai.applications.urls")),
    path("review/", include((review_patterns, "review"))),
    path("funds/", include("jigai.funds.urls")),
    path("publicity/", include("jigai.decisions.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "jigai.core.views.error_403"
handler404 = "jigai.core.views.error_404"
handler500 = "jigai.core.views.error_500"
