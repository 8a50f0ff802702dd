from django.urls import path

from items import views

app_name = "items"

urlpatterns = [
    path("setup/items/", views.item_list, name="list"),
    path("setup/items/export.csv", views.item_export, name="export"),
    path("setup/items/new/", views.item_create, name="new"),
    path("setup/items/<int:item_id>/", views.item_detail, name="detail"),
    path("setup/items/<int:item_id>/stock/", views.item_stock_adjust, name="stock_adjust"),
    path("setup/accounting-defaults/", views.accounting_defaults, name="accounting_defaults"),
    path("setup/accounting-defaults/accounts/new/", views.ledger_account_new, name="ledger_account_new"),
    path("setup/import-data/items/", views.items_import, name="import"),
    path("setup/import-data/items/template.csv", views.items_import_template, name="import_template"),
    path("setup/import-data/stock-levels/", views.stock_levels_import, name="import_stock_levels"),
    path("setup/import-data/stock-levels/template.csv", views.stock_levels_import_template,
         name="import_stock_levels_template"),
    path("setup/import-data/items/<int:upload_id>/", views.items_import_preview, name="import_preview"),
    path("setup/import-data/items/<int:upload_id>/commit/", views.items_import_commit, name="import_commit"),
    path("setup/import-data/items/<int:upload_id>/progress/", views.items_import_progress, name="import_progress"),
    path("setup/import-data/items/<int:upload_id>/errors.csv", views.items_import_errors, name="import_errors"),
    path("setup/carts/<int:cart_id>/items/", views.cart_items, name="cart_items"),
    path("setup/carts/<int:cart_id>/items/import/", views.cart_items_import_view, name="cart_items_import"),
]
