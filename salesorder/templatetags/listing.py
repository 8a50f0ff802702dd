"""Template tags every list screen uses: a sortable column heading and the page bar (see salesorder/paging.py)."""
from __future__ import annotations

from typing import Any

from django import template

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

