from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/phone/verify/", views.PhoneVerifyView.as_view(), name="phone-verify"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/update/", views.ProfileUpdateView.as_view(), name="profile-update"),
]
