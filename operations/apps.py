from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations: health and retention"

    def ready(self) -> None:
        from operations import heartbeats  # noqa: F401 - connects beat's publish signal
