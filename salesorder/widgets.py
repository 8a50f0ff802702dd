"""Form widgets every app shares."""
from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; it only understands ISO dates, so the value is rendered as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
