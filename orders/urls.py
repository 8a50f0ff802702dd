from django.urls import path

from orders import customer_views, shipping_views, views

app_name = "orders"

urlpatterns = [
    path("setup/carts/<int:cart_id>/orders/", views.cart_orders, name="cart_orders"),
    path("setup/carts/<int:cart_id>/orders/import/", views.cart_orders_import, name="cart_orders_import"),
    path("setup/carts/<int:cart_id>/orders/import-items/", views.cart_orders_import_items, name="cart_orders_import_items"),
    path("setup/carts/<int:cart_id>/refused/", views.cart_refused_orders, name="cart_refused"),
    path("setup/carts/<int:cart_id>/refused/retry/", views.cart_refused_retry, name="cart_refused_retry"),
    path("setup/carts/<int:cart_id>/refused/dismiss/", views.cart_refused_dismiss, name="cart_refused_dismiss"),
    path("setup/carts/<int:cart_id>/refused/restore/", views.cart_refused_restore, name="cart_refused_restore"),
    path("setup/carts/<int:cart_id>/orders/create-items/", views.cart_orders_create_items, name="cart_orders_create_items"),
    path("setup/carts/<int:cart_id>/orders/<int:order_id>/preview/", views.cart_order_preview, name="cart_order_preview"),
    path("sales/orders/", views.pending_list, name="pending"),
    path("sales/orders/<int:transaction_id>/", views.transaction_detail, name="detail"),
    path("sales/orders/<int:transaction_id>/edit/", views.transaction_edit, name="edit"),
    path("sales/orders/<int:transaction_id>/ship/", shipping_views.transaction_ship, name="transaction_ship"),
    path("sales/orders/<int:transaction_id>/delete/", views.transaction_remove, name="delete"),
    path("sales/customers/", customer_views.customer_list, name="customers"),
    path("sales/customers/choices/", customer_views.customer_choices, name="customer_choices"),
    path("sales/customers/<int:customer_id>/", customer_views.customer_detail, name="customer"),
]
