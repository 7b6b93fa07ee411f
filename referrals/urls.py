from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.ReferralListView.as_view(), name="referral-list"),
    path("referrals/apply/", views.ReferralApplyView.as_view(), name="referral-apply"),
    path("referrals/codes/", views.InviteCodeListCreateView.as_view(), name="code-list"),
    # Before the code route: "by-email" would otherwise be read as a code.
    path("referrals/codes/by-email/", views.InviteCodeByEmailView.as_view(), name="code-by-email"),
    path("referrals/codes/<str:code>/", views.InviteCodeDeleteView.as_view(), name="code-detail"),
    path(
        "users/<int:id>/referrals/",
        views.PartnerReferralListView.as_view(),
        name="partner-referral-list",
    ),
]
