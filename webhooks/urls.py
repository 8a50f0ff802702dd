from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("hooks/<str:token>/", views.receive, name="receive"),
    path("setup/carts/<int:cart_id>/sync/webhooks/", views.cart_hooks_register, name="cart_hooks_register"),
]
