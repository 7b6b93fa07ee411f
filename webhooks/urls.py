from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("bank/webhook/", views.BankWebhookView.as_view(), name="bank-webhook"),
    path(
        "bank/webhook/rotate-secret/",
        views.BankWebhookRotateView.as_view(),
        name="bank-webhook-rotate",
    ),
    path(
        "bank/webhook/deliveries/",
        views.BankWebhookDeliveriesView.as_view(),
        name="bank-webhook-deliveries",
    ),
    path("webhooks/", views.PartnerWebhookView.as_view(), name="partner-webhook"),
    path(
        "webhooks/rotate-secret/",
        views.PartnerWebhookRotateView.as_view(),
        name="partner-webhook-rotate",
    ),
    path(
        "webhooks/deliveries/",
        views.PartnerWebhookDeliveriesView.as_view(),
        name="partner-webhook-deliveries",
    ),
]
