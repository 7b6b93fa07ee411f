from django.urls import path

from accounts import views

app_name = "accounts"

# Sign-up (`auth/register/`, `auth/phone/verify/`) and the profile (`profile/`,
# `profile/update/`) show what other apps know of the partner: they are `partners.urls`.
urlpatterns = [
    path("auth/phone/", views.PhoneCodeRequestView.as_view(), name="phone-code"),
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("token/logout/", views.TokenLogoutView.as_view(), name="token-logout"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="profile-password"),
]
