"""The store's date_modified of an imported order at its last read, so a re-read of an unchanged order does nothing.

Empty for transactions imported before: their next re-read compares the status and reads refunds once.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0006_exactly_once_per_store_constraints'),
    ]

    operations = [
        migrations.AddField(
            model_name='salestransaction',
            name='cart_date_modified',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
