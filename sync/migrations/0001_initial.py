"""Auto-sync's bookkeeping gets its own table, one row per cart, filled from the cart columns it replaces."""
import django.db.models.deletion
from django.db import migrations, models

# The cart's old column → the state's new one.
MOVED = {
    "next_sync_at": "next_pass_at",
    "sync_cursor": "cursor",
    "sync_lock_until": "lock_until",
    "sync_lock_token": "lock_token",
    "consecutive_sync_failures": "consecutive_failures",
    "auto_sync_stopped_reason": "stopped_reason",
}


def copy_from_carts(apps, schema_editor):
    Cart = apps.get_model("carts", "Cart")
    AutoSyncState = apps.get_model("sync", "AutoSyncState")
    AutoSyncState.objects.bulk_create(
        [AutoSyncState(cart_id=cart.pk, company_id=cart.company_id,
                       **{new: getattr(cart, old) for old, new in MOVED.items()})
         for cart in Cart.objects.all().iterator()],
        batch_size=500,
    )


def copy_back_to_carts(apps, schema_editor):
    Cart = apps.get_model("carts", "Cart")
    AutoSyncState = apps.get_model("sync", "AutoSyncState")
    for state in AutoSyncState.objects.all().iterator():
        Cart.objects.filter(pk=state.cart_id).update(**{old: getattr(state, new) for old, new in MOVED.items()})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("carts", "0003_autosync_bookkeeping"),
        ("companies", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AutoSyncState",
            fields=[
                ("cart", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="sync_state", serialize=False, to="carts.cart")),
                ("next_pass_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("cursor", models.DateTimeField(blank=True, null=True)),
                ("lock_until", models.DateTimeField(blank=True, null=True)),
                ("lock_token", models.CharField(blank=True, max_length=32)),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("stopped_reason", models.TextField(blank=True, help_text="Why auto-sync switched itself off, for the merchant.")),
                ("company", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="companies.company")),
            ],
            options={
                "verbose_name": "auto-sync state",
            },
        ),
        migrations.RunPython(copy_from_carts, copy_back_to_carts),
    ]
