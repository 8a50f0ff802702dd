"""Template tags every list screen uses: a sortable column heading, the page bar (see salesorder/paging.py) and the
scrolling region around a table."""
from __future__ import annotations

from typing import Any

from django import template
from django.template.base import token_kwargs

from salesorder.paging import ListSort, page_numbers, query_without

register = template.Library()


@register.inclusion_tag("_sort_heading.html", takes_context=True)
def sort_heading(context: template.Context, column: str, label: str, css_class: str = "") -> dict[str, Any]:
    """{% sort_heading "date" "Date" %}: a <th> whose link sorts by the column, ascending first, then descending."""
    sort: ListSort = context["sort"]
    active = sort.column == column
    next_parameter = f"-{column}" if active and not sort.descending else column
    query = query_without(context["request"].GET, "sort", "page")
    direction = ("descending" if sort.descending else "ascending") if active else ""
    return {"label": label, "css_class": css_class, "direction": direction,
            "href": f"?{query}&sort={next_parameter}" if query else f"?sort={next_parameter}"}


@register.inclusion_tag("_pagination.html", takes_context=True)
def page_bar(context: template.Context, number: int, total_pages: int, parameter: str = "page") -> dict[str, Any]:
    """{% page_bar page.number page.paginator.num_pages %}: First, Previous, numbered pages, Next and Last."""
    query = query_without(context["request"].GET, parameter)
    prefix = f"?{query}&{parameter}=" if query else f"?{parameter}="
    return {"number": number, "total_pages": total_pages, "prefix": prefix,
            "numbers": page_numbers(number, total_pages) if total_pages > 1 else []}


class ScrollTableNode(template.Node):
    """A list table inside the region that scrolls it sideways on a phone (focusable, named, so keyboards reach it)."""

    def __init__(self, options: dict[str, Any], nodelist: template.NodeList) -> None:
        self.options = options
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        return template.loader.render_to_string("_scroll_table.html", {**values, "rows": self.nodelist.render(context)})


@register.tag
def scroll_table(parser: template.base.Parser, token: template.base.Token) -> ScrollTableNode:
    """{% scroll_table label="Items" id="items" %}<thead>…</thead>{% for %}<tr>…{% endfor %}{% endscroll_table %}.

    Options: label (or labelledby, an element id naming the region), id, class (added to "list") and describedby.
    """
    bits = token.split_contents()
    options = token_kwargs(bits[1:], parser)
    unknown = set(options) - {"label", "labelledby", "id", "class", "describedby"}
    if len(options) != len(bits) - 1 or unknown or not ({"label", "labelledby"} & set(options)):
        raise template.TemplateSyntaxError(f"{bits[0]} takes label= or labelledby=, and id=, class=, describedby= "
                                           f"(got {' '.join(bits[1:])!r})")
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(options, nodelist)
