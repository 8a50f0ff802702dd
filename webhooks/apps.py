from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from webhooks import lifecycle  # noqa: F401 - registers or removes a cart's hooks as its settings change
