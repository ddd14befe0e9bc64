"""Logging in and out and changing one's password: Django's views, with our templates.

The login page's POSTs are rate limited per address (ogmonitor/lib/ratelimits.py) on top of
django-axes's lockout per user name and address (settings: ``AXES_*``).
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from ogmonitor.lib.ratelimits import limit_logins

app_name = "accounts"
urlpatterns = [
    path("login/", limit_logins(auth_views.LoginView.as_view(template_name="accounts/login.html")), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
