from django.urls import path

from payouts import views

app_name = "payouts"

urlpatterns = [
    path("balance/", views.BalanceView.as_view(), name="balance"),
    path("commissions/", views.CommissionListView.as_view(), name="commission-list"),
    path("payouts/", views.PayoutListCreateView.as_view(), name="payout-list"),
    path("payouts/<int:pk>/", views.PayoutDetailView.as_view(), name="payout-detail"),
    path("payouts/<int:pk>/cancel/", views.PayoutCancelView.as_view(), name="payout-cancel"),
]

# The banks' decisions keep their place in the `orders` namespace (`orders:bank-callback`,
# `orders:bank-order`): config/urls.py adds them to `orders.urls`' patterns.
decision_urlpatterns = [
    path("order/<int:pk>/<str:token>/", views.BankCallbackView.as_view(), name="bank-callback"),
    path("bank/orders/<int:pk>/", views.BankOrderDecisionView.as_view(), name="bank-order"),
]
