"""The pieces every screen builds from: a page's header with its Actions menu, the region a list table scrolls in,
and a form's fields. Each renders one template, so the markup (and what a screen reader needs of it) is written once.
"""
from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.base import Parser, Token, token_kwargs
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class WrappingNode(template.Node):
    """Renders `template_name` with the tag's options and what stands between the tag and its end tag as `inner`."""

    def __init__(self, template_name: str, options: dict[str, Any], nodelist: template.NodeList) -> None:
        self.template_name = template_name
        self.options = options
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        inner = mark_safe(self.nodelist.render(context).strip())  # rendered (and escaped) by the template engine
        return render_to_string(self.template_name, {**values, "inner": inner})


def _wrapping_tag(name: str, template_name: str, *, allowed: set[str], one_of: set[str]) -> None:
    def compile_tag(parser: Parser, token: Token) -> WrappingNode:
        bits = token.split_contents()
        options = token_kwargs(bits[1:], parser)
        if len(options) != len(bits) - 1 or set(options) - allowed or not one_of & set(options):
            raise template.TemplateSyntaxError(
                f"{name} takes {' or '.join(f'{option}=' for option in sorted(one_of))}, and "
                f"{', '.join(f'{option}=' for option in sorted(allowed - one_of)) or 'nothing else'} "
                f"(got {' '.join(bits[1:])!r})")
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return WrappingNode(template_name, options, nodelist)

    register.tag(name, compile_tag)


# {% page_header title="Items" %}<a href="…">New item</a>…{% endpage_header %}: the h1, and the links as its Actions menu;
# attention= (carts.attention's list) puts the carts that need attention under it, where a phone shows them first.
_wrapping_tag("page_header", "_page_header.html", allowed={"title", "attention"}, one_of={"title"})
# {% scroll_table label="Items" id="items" %}<thead>…</thead>{% for %}<tr>…{% endfor %}{% endscroll_table %}: a list
# table in a named, focusable region that scrolls sideways on a phone; labelledby= names it by a heading's id.
_wrapping_tag("scroll_table", "_scroll_table.html", allowed={"label", "labelledby", "id", "class", "describedby"},
              one_of={"label", "labelledby"})


@register.simple_tag
def form_fields(form: forms.BaseForm, *names: str) -> SafeString:
    """{% form_fields form "sku" "description" %}: each named field through _field.html, in that order."""
    return mark_safe("".join(render_to_string("_field.html", {"field": form[name]}) for name in names))
