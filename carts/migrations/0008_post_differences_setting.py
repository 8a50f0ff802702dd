"""The per-cart, opt-in setting 'Post differences up to [amount] to account [ledger account]' (both empty: off)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('carts', '0007_cart_log_kind_reconciliation'),
        ('items', '0003_csv_upload_parsed_once'),
    ]

    operations = [
        migrations.AddField(
            model_name='cart',
            name='differences_account',
            field=models.ForeignKey(blank=True, help_text='The ledger account a posted difference goes to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='items.ledgeraccount', verbose_name='to account'),
        ),
        migrations.AddField(
            model_name='cart',
            name='post_differences_up_to',
            field=models.DecimalField(blank=True, decimal_places=4, help_text="In the order's currency. Empty: refuse every order whose parts do not add up to the store's total.", max_digits=12, null=True, verbose_name='Post differences up to'),
        ),
    ]
