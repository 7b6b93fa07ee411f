"""The project's URLs and `/bench/plain/`: a plain Django `JsonResponse`, the yardstick every
endpoint's throughput is divided by (ratios survive a noisy machine; absolute numbers don't).

`/bench/floor/...` are the framework's floors, measured beside the endpoints: what a DRF view
costs that does nothing (`drf`), that only authenticates the partner's JWT as every partner
endpoint does (`jwt`), and that adds one indexed query of a single row, through the ORM
(`jwt-query`) or as SQL (`jwt-raw-query`). No endpoint can do better than the floor of what it
needs.
"""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import Order


def plain(request):
    return JsonResponse({"status": "ok"})


class DRFFloor(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request):
        return Response({"status": "ok"})


class JWTFloor(APIView):
    throttle_classes: list = []

    def get(self, request):
        return Response({"status": "ok", "user": request.user.pk})


class JWTQueryFloor(JWTFloor):
    def get(self, request):
        latest = list(Order.objects.filter(partner=request.user).values_list("pk", flat=True)[:1])
        return Response({"status": "ok", "latest": latest})


class JWTRawQueryFloor(JWTFloor):
    """The same query as `JWTQueryFloor` without the ORM: what is left is the round trip."""

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM orders_order WHERE partner_id = %s "
                "ORDER BY created_at DESC, id DESC LIMIT 1",
                [request.user.pk],
            )
            latest = [row[0] for row in cursor.fetchall()]
        return Response({"status": "ok", "latest": latest})


urlpatterns = [
    path("bench/plain/", plain),
    path("bench/floor/drf/", DRFFloor.as_view()),
    path("bench/floor/jwt/", JWTFloor.as_view()),
    path("bench/floor/jwt-query/", JWTQueryFloor.as_view()),
    path("bench/floor/jwt-raw-query/", JWTRawQueryFloor.as_view()),
    path("", include("config.urls")),
]
