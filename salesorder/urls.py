from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from operations import views as operations_views
from salesorder import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("setup/carts/", include("carts.urls")),
    path("", include("items.urls")),
    path("", include("orders.urls")),
    path("", include("sync.urls")),
    path("", include("companies.urls")),
    path("", include("webhooks.urls")),
    path("health/", operations_views.health, name="health"),
    path("admin/login/", views.admin_login),  # before the admin's own: a merchant is told where to go
    path("admin/", admin.site.urls),
]
