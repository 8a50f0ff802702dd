from django.urls import path

from salesorder.views import not_available

app_name = "items"

urlpatterns = [
    path("setup/items/", not_available, {"feature": "items"}, name="list"),
    path("setup/import-data/items/", not_available, {"feature": "import-items"}, name="import"),
    path("setup/accounting-defaults/", not_available, {"feature": "accounting-defaults"}, name="accounting_defaults"),
]
