"""Accounting defaults for non-stock items (digital products): an income and an expense account.

Existing defaults take their stock items' income and cost of goods sold accounts, so nothing changes
until the merchant chooses others; the next migration makes both required.
"""
import django.db.models.deletion
from django.db import migrations, models


def as_stock_items(apps, schema_editor) -> None:
    AccountingDefaults = apps.get_model("items", "AccountingDefaults")
    AccountingDefaults.objects.update(non_stock_income_account=models.F("income_account"),
                                      non_stock_expense_account=models.F("cost_of_goods_sold_account"))


class Migration(migrations.Migration):

    dependencies = [
        ("items", "0003_csv_upload_parsed_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountingdefaults",
            name="non_stock_income_account",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="items.ledgeraccount"),
        ),
        migrations.AddField(
            model_name="accountingdefaults",
            name="non_stock_expense_account",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="items.ledgeraccount"),
        ),
        migrations.RunPython(as_stock_items, migrations.RunPython.noop),
    ]
