from django.urls import path, re_path

from orders.urls import UsernameConverter  # noqa: F401 - registers the `username` converter
from pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    # Before the link's pattern: a partner called "done" keeps its links (ids are numbers,
    # tokens are 43 characters).
    re_path(
        r"^r/done/(?P<token>[A-Za-z0-9_-]{20,64})/$",
        views.application_done,
        name="application-done",
    ),
    path(
        "r/<username:username>/<int:product_id>/",
        views.referral_page,
        name="referral-page",
    ),
]
