from django.urls import path

from salesorder.views import not_available

app_name = "orders"

urlpatterns = [
    path("sales/orders/", not_available, {"feature": "sales-orders"}, name="pending"),
]
