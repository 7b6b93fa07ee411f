"""The project's URLs and `/bench/plain/`: a plain Django `JsonResponse`, the yardstick every
endpoint's throughput is divided by (ratios survive a noisy machine; absolute numbers don't)."""

from django.http import JsonResponse
from django.urls import include, path


def plain(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("bench/plain/", plain),
    path("", include("config.urls")),
]
