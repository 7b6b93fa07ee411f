from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core import views
from orders import urls as order_urls
from payouts import urls as payout_urls

# The docs' own code styles its elements inline and ReDoc searches in a worker it builds from
# a blob; both stay on this site, which is all the policy (settings.py) allows.
docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

api_patterns = [
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("referrals.urls")),
    # The banks' decisions keep their `orders:` names; their views are payouts' (they move money).
    path(
        "",
        include((order_urls.urlpatterns + payout_urls.decision_urlpatterns, order_urls.app_name)),
    ),
    path("", include("payouts.urls")),
    path("", include("webhooks.urls")),
    path("", include("partners.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script to allow.
    path(
        "docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        docs_csp(SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html")),
        name="redoc",
    ),
    re_path(r"^.*$", views.api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("api/", include(api_patterns)),
    path("", include("pages.urls")),
]

handler400 = "core.views.handler400"
handler403 = "core.views.handler403"
handler404 = "core.views.handler404"
handler500 = "core.views.handler500"
