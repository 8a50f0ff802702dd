"""`manage.py retention_prune`: what beat's daily retention task does, now."""
from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.retention import retention_prune


class Command(BaseCommand):
    help = "Prune cart log entries and uploaded items CSVs past their retention (RETENTION_* settings)."

    def handle(self, *args: object, **options: object) -> None:
        result = retention_prune(now=timezone.now())
        self.stdout.write(f"Pruned: {result.cart_logs} cart log entries, {result.csv_uploads} uploaded CSV files.")
