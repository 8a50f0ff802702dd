"""{% form_fields form "sku" "description" %}: each named field of a form through _field.html, in that order."""
from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def form_fields(form: forms.BaseForm, *names: str) -> SafeString:
    return mark_safe("".join(render_to_string("_field.html", {"field": form[name]}) for name in names))
