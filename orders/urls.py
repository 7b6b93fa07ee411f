from django.urls import path, register_converter

from orders import views


class UsernameConverter:
    """A username as the registration allows it: letters, digits and @.+-_. Anything else
    (a NUL byte, say) is no partner's link, and answers 404 before reaching the database."""

    regex = r"[\w.@+-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

app_name = "orders"

# `bank-callback` and `bank-order` (the banks' decisions) are in this namespace too; their
# views are `payouts.views`' (a decision moves money), added in config/urls.py.

urlpatterns = [
    path(
        "order/ref/<username:username>/<int:product_id>/",
        views.ReferralLinkView.as_view(),
        name="referral-link",
    ),
    path("bank/orders/", views.BankOrderListView.as_view(), name="bank-order-list"),
    path("orders/", views.PartnerOrderListCreateView.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.PartnerOrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/confirm/", views.OrderConfirmView.as_view(), name="order-confirm"),
    path("stats/", views.PartnerStatsView.as_view(), name="stats"),
]
