from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path(
        "order/ref/<str:username>/<int:product_id>/",
        views.ReferralLinkView.as_view(),
        name="referral-link",
    ),
    path("order/<int:pk>/<str:token>/", views.BankCallbackView.as_view(), name="bank-callback"),
    path("bank/orders/", views.BankOrderListView.as_view(), name="bank-order-list"),
    path("bank/orders/<int:pk>/", views.BankOrderDecisionView.as_view(), name="bank-order"),
    path("orders/", views.PartnerOrderListCreateView.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.PartnerOrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/confirm/", views.OrderConfirmView.as_view(), name="order-confirm"),
    path("stats/", views.PartnerStatsView.as_view(), name="stats"),
]
