from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/phone/", views.PhoneCodeRequestView.as_view(), name="phone-code"),
    path("auth/phone/verify/", views.PhoneVerifyView.as_view(), name="phone-verify"),
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("token/logout/", views.TokenLogoutView.as_view(), name="token-logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/update/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="profile-password"),
]
