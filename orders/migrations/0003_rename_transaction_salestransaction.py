"""The pending sales transaction model is called SalesTransaction (its old name sat beside django.db.transaction).

RenameModel renames the table and keeps every row; the foreign keys follow, and the index named after
the model follows the new name.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0002_order_refusals"),
    ]

    operations = [
        migrations.RenameModel(old_name="Transaction", new_name="SalesTransaction"),
        migrations.RenameIndex(
            model_name="salestransaction",
            new_name="orders_sale_company_dddb83_idx",
            old_name="orders_tran_company_f63fc1_idx",
        ),
    ]
