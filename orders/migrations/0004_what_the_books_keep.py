"""What the books keep of an order, and credit notes.

Adds to each transaction the store's currency and exchange rate, payment method, status and gateway
transaction id, billing name and form fields, the store's customer id and guest flag, the refunded and
adjusted totals; per line the tax rate; discount kinds promotion and manual with the coupon code;
adjustment lines (with the ledger account a posted difference goes to); and the credit-note type, linked
to the sale it credits by refund key. The order-once constraint now applies to sales only (credit
notes share their sale's order id), and each refund becomes one credit note. Existing rows keep their
values; the new fields start empty or zero.
"""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('carts', '0004_auto_sync_bookkeeping_moved_to_sync'),
        ('companies', '0001_initial'),
        ('items', '0002_cart_sku_and_csv_uploads'),
        ('orders', '0003_rename_transaction_salestransaction'),
    ]

    operations = [
        migrations.CreateModel(
            name='TransactionAdjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount_ex_tax', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=19)),
                ('tax', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=19)),
                ('amount_inc_tax', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=19)),
                ('description', models.CharField(max_length=255)),
                ('kind', models.CharField(choices=[('order_difference', "Difference to the store's total"), ('order_amount', 'Order amount refunded'), ('refund_adjustment', 'Refund adjustment')], max_length=20)),
            ],
            options={
                'ordering': ['transaction', 'pk'],
                'abstract': False,
            },
        ),
        migrations.RemoveConstraint(
            model_name='salestransaction',
            name='transaction_cart_order_imported_once',
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='adjustments_total',
            field=models.DecimalField(decimal_places=4, default=Decimal('0'), help_text="Adjustments posted so the parts add up to the store's total.", max_digits=19),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='billing_form_fields',
            field=models.JSONField(blank=True, default=dict, help_text='Checkout form fields: label → value.'),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='billing_name',
            field=models.CharField(blank=True, help_text="The order's billing name, kept even when the customer record was matched by e-mail address.", max_length=200),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='cart_customer_id',
            field=models.PositiveBigIntegerField(blank=True, help_text="The store's customer id; empty for a guest checkout.", null=True),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='credited_transaction',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='credit_notes', to='orders.salestransaction'),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='exchange_rate',
            field=models.DecimalField(blank=True, decimal_places=10, help_text="One unit of the store's currency in the order's currency.", max_digits=20, null=True),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='guest',
            field=models.BooleanField(default=False, help_text='Placed as a guest checkout.'),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='payment_method',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='payment_status',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='payment_transaction_id',
            field=models.CharField(blank=True, max_length=255, verbose_name='Gateway transaction id'),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='refund_key',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='refund_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='refunded_total',
            field=models.DecimalField(decimal_places=4, default=Decimal('0'), help_text='What the store refunded of the order (its credit notes).', max_digits=19),
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='store_currency',
            field=models.CharField(blank=True, help_text="The store's default currency when the order was paid in another; blank when the same.", max_length=3),
        ),
        migrations.AddField(
            model_name='transactiondiscount',
            name='code',
            field=models.CharField(blank=True, help_text='The coupon code, for coupons.', max_length=100),
        ),
        migrations.AddField(
            model_name='transactionline',
            name='tax_rate',
            field=models.DecimalField(blank=True, decimal_places=6, help_text="A fraction (0.0825 for 8.25 %), when the store's figures give it exactly.", max_digits=9, null=True),
        ),
        migrations.AlterField(
            model_name='salestransaction',
            name='transaction_type',
            field=models.CharField(choices=[('cash_sale', 'Cash Sale'), ('sales_order', 'Sales Order'), ('invoice', 'Sales Invoice'), ('credit-note', 'Credit Note')], max_length=20, verbose_name='Type'),
        ),
        migrations.AlterField(
            model_name='transactiondiscount',
            name='kind',
            field=models.CharField(choices=[('coupon', 'Coupon'), ('promotion', 'Promotion'), ('manual', 'Manual discount'), ('discount', 'Discount')], max_length=20),
        ),
        migrations.AlterField(
            model_name='transactionnumbersequence',
            name='transaction_type',
            field=models.CharField(choices=[('cash_sale', 'Cash Sale'), ('sales_order', 'Sales Order'), ('invoice', 'Sales Invoice'), ('credit-note', 'Credit Note')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='salestransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('refund_key', '')), fields=('cart', 'cart_order_id'), name='transaction_cart_order_imported_once'),
        ),
        migrations.AddConstraint(
            model_name='salestransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('refund_key', ''), _negated=True), fields=('credited_transaction', 'refund_key'), name='credit_note_once_per_refund'),
        ),
        migrations.AddField(
            model_name='transactionadjustment',
            name='company',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='companies.company'),
        ),
        migrations.AddField(
            model_name='transactionadjustment',
            name='ledger_account',
            field=models.ForeignKey(blank=True, help_text='Where a posted difference goes.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='items.ledgeraccount'),
        ),
        migrations.AddField(
            model_name='transactionadjustment',
            name='transaction',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adjustments', to='orders.salestransaction'),
        ),
    ]
