"""A store's order is imported once per company, not once per cart row.

Adds the store the order came from (Cart.store_identity: platform and store hash) to each transaction,
filled from its cart; transactions whose cart was deleted before this migration keep it empty (their
store is no longer known) and are not matched by store. Where two carts of one store had already
imported the same order, the first import keeps the store and each later one is left unmatched with a
note on it naming the first, for the merchant to delete. Then the order-once constraint moves from
(cart, order id) to (company, store, order id), and credit notes are once per (company, store, order
id, refund key): the next migration, since PostgreSQL builds no index in the transaction that updated
the rows.
"""
from django.db import migrations, models
from django.db.models import Count, Min

DUPLICATE_NOTE = ("Imported again from the same store as {number}, by another cart, before a store's orders were "
                  "imported once only. Delete the one you do not need.")


def store_identity_from_carts(apps, schema_editor) -> None:
    """Each transaction's store from its cart; a second import of one store's order keeps none, with a note."""
    SalesTransaction = apps.get_model("orders", "SalesTransaction")
    Cart = apps.get_model("carts", "Cart")
    for cart in Cart.objects.only("pk", "platform", "store_hash").iterator():
        SalesTransaction.objects.filter(cart_id=cart.pk).update(store_identity=f"{cart.platform}:{cart.store_hash}")
    sales = SalesTransaction.objects.filter(refund_key="").exclude(store_identity="")
    doubled = (sales.values("company_id", "store_identity", "cart_order_id")
               .annotate(imports=Count("pk"), first=Min("pk")).filter(imports__gt=1))
    for group in doubled.iterator():
        first = SalesTransaction.objects.get(pk=group["first"])
        later = sales.filter(company_id=group["company_id"], store_identity=group["store_identity"],
                             cart_order_id=group["cart_order_id"]).exclude(pk=first.pk)
        for record in later:
            note = DUPLICATE_NOTE.format(number=first.number)
            record.cart_change_note = "\n".join(filter(None, [record.cart_change_note, note]))
            record.store_identity = ""
            record.save(update_fields=["cart_change_note", "store_identity"])


class Migration(migrations.Migration):

    dependencies = [
        ('carts', '0004_auto_sync_bookkeeping_moved_to_sync'),
        ('companies', '0001_initial'),
        ('orders', '0004_what_the_books_keep'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='salestransaction',
            name='transaction_cart_order_imported_once',
        ),
        migrations.RemoveConstraint(
            model_name='salestransaction',
            name='credit_note_once_per_refund',
        ),
        migrations.AddField(
            model_name='salestransaction',
            name='store_identity',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(store_identity_from_carts, migrations.RunPython.noop),
    ]
