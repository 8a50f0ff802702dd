"""The constraints that keep a store's order single per company and each refund one credit note.

Separate from the migration that fills the store, since PostgreSQL builds no index in the transaction
that updated the rows.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0005_exactly_once_per_store"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='salestransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('refund_key', ''), models.Q(('store_identity', ''), _negated=True)), fields=('company', 'store_identity', 'cart_order_id'), name='transaction_store_order_imported_once'),
        ),
        migrations.AddConstraint(
            model_name='salestransaction',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('refund_key', ''), _negated=True), models.Q(('store_identity', ''), _negated=True)), fields=('company', 'store_identity', 'cart_order_id', 'refund_key'), name='credit_note_once_per_refund'),
        ),
        migrations.AddConstraint(
            model_name='salestransaction',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('credited_transaction__isnull', False), ('transaction_type', 'credit-note'), models.Q(('refund_key', ''), _negated=True)), models.Q(models.Q(('transaction_type', 'credit-note'), _negated=True), ('refund_key', '')), _connector='OR'), name='credit_notes_and_only_they_credit_a_refund'),
        ),
    ]
