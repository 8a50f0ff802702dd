"""Django registration, only so that `manage.py sandbox_store` is found; the sandbox has no models."""

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "BigCommerce sandbox store"
