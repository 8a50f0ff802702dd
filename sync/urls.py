from django.urls import path

from sync import views

app_name = "sync"

urlpatterns = [
    path("setup/carts/<int:cart_id>/sync/", views.cart_sync, name="cart_sync"),
    path("setup/carts/<int:cart_id>/sync/now/", views.cart_sync_now, name="cart_sync_now"),
    path("setup/carts/<int:cart_id>/sync/switch/", views.cart_sync_switch, name="cart_sync_switch"),
    path("setup/carts/<int:cart_id>/sync/push-stock/", views.cart_stock_push_now, name="cart_stock_push"),
    path("setup/carts/<int:cart_id>/sync/reconcile/", views.cart_sync_reconcile_now, name="cart_sync_reconcile"),
]
