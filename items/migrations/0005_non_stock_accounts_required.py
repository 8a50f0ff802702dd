"""The non-stock accounts are required, now that every company's defaults have them.

Separate from the migration that fills them, since PostgreSQL alters no table in the transaction that
updated its rows.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("items", "0004_non_stock_accounts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountingdefaults",
            name="non_stock_income_account",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="items.ledgeraccount"),
        ),
        migrations.AlterField(
            model_name="accountingdefaults",
            name="non_stock_expense_account",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="items.ledgeraccount"),
        ),
    ]
