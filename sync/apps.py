from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Auto-sync"

    def ready(self) -> None:
        from sync import state  # noqa: F401 - keeps each cart's auto-sync state in step with its settings
