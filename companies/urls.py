from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("setup/users/", views.company_users, name="users"),
]
