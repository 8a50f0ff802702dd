from django.urls import path

from carts import views

app_name = "carts"

urlpatterns = [
    path("", views.cart_list, name="list"),
    path("new/bigcommerce/", views.cart_new, name="new"),
    path("<int:cart_id>/", views.cart_detail, name="detail"),
    path("<int:cart_id>/test/", views.cart_test, name="test"),
    path("<int:cart_id>/delete/", views.cart_remove, name="delete"),
    path("<int:cart_id>/log/", views.cart_log, name="log"),
    path("<int:cart_id>/log/<int:log_id>/progress/", views.cart_log_progress_poll, name="log_progress"),
]
