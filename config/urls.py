from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import views
from orders import urls as order_urls
from payouts import urls as payout_urls

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
    path("", include("partners.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="redoc",
    ),
    re_path(r"^.*$", views.api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("api/", include(api_patterns)),
]

handler400 = "core.views.handler400"
handler403 = "core.views.handler403"
handler404 = "core.views.handler404"
handler500 = "core.views.handler500"
