"""Form widgets every app shares."""
from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; it only understands ISO dates, so the value is rendered as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SecretTextarea(forms.Textarea):
    """A textarea for pasted secrets: what was typed is never rendered back, not even when the form has errors."""

    def format_value(self, value: object) -> None:
        return None
