"""Auto-sync's bookkeeping columns leave the cart: sync.AutoSyncState holds them (copied there first)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("carts", "0003_autosync_bookkeeping"),
        ("sync", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="cart", name="auto_sync_stopped_reason"),
        migrations.RemoveField(model_name="cart", name="consecutive_sync_failures"),
        migrations.RemoveField(model_name="cart", name="next_sync_at"),
        migrations.RemoveField(model_name="cart", name="sync_cursor"),
        migrations.RemoveField(model_name="cart", name="sync_lock_token"),
        migrations.RemoveField(model_name="cart", name="sync_lock_until"),
    ]
