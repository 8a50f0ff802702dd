"""The template components screens share (salesorder/templatetags/components.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError


def test_a_scroll_table_is_a_named_focusable_region_around_the_list_table() -> None:
    html = Template('{% scroll_table label=name id="pending" %}<tr><td>{{ cell }}</td></tr>'
                    '{% endscroll_table %}').render(Context({"name": "Pending <transactions>", "cell": "<b>"}))
    assert '<div class="table-scroll" role="region" aria-label="Pending &lt;transactions&gt;" tabindex="0">' in html
    assert '<table class="list" id="pending"><tr><td>&lt;b&gt;</td></tr></table>' in html  # both escaped


def test_a_scroll_table_can_be_named_by_a_heading_and_described_by_a_note() -> None:
    html = Template('{% scroll_table labelledby=prefix|add:"-heading" class="summary" describedby="basis" %}'
                    '{% endscroll_table %}').render(Context({"prefix": "sale"}))
    assert 'aria-labelledby="sale-heading"' in html and "aria-label=" not in html
    assert '<table class="list summary" aria-describedby="basis"></table>' in html


@pytest.mark.parametrize("tag", ['{% scroll_table id="x" %}', '{% scroll_table label="x" colour="red" %}',
                                 '{% scroll_table "x" %}'])
def test_a_scroll_table_without_a_name_or_with_an_unknown_option_is_a_template_error(tag: str) -> None:
    with pytest.raises(TemplateSyntaxError, match="label= or labelledby="):
        Template(tag + "{% endscroll_table %}")


class _ItemForm(forms.Form):
    sku = forms.CharField(label="SKU", help_text="As in the store.")
    description = forms.CharField()
    active = forms.BooleanField(required=False)


def test_form_fields_renders_the_named_fields_in_that_order_with_their_help() -> None:
    html = Template('{% form_fields form "description" "sku" %}').render(Context({"form": _ItemForm()}))
    assert html.index('id="field-description"') < html.index('id="field-sku"')
    assert '<p class="help" id="id_sku_helptext">As in the store.</p>' in html and "field-active" not in html


def test_form_fields_names_a_field_the_form_does_not_have() -> None:
    with pytest.raises(KeyError, match="colour"):
        Template('{% form_fields form "colour" %}').render(Context({"form": _ItemForm()}))


def test_a_page_header_puts_the_links_in_its_actions_menu() -> None:
    html = Template('{% page_header title=name %}<a href="/new/">New item</a>{% endpage_header %}').render(
        Context({"name": "Items & <more>"}))
    assert "<h1>Items &amp; &lt;more&gt;</h1>" in html
    assert '<details class="actions-menu">' in html and '<div class="menu-items"><a href="/new/">New item</a></div>' in html


def test_a_page_header_without_links_has_no_actions_menu() -> None:
    html = Template('{% page_header title="Users" %}\n{% endpage_header %}').render(Context())
    assert "<h1>Users</h1>" in html and "actions-menu" not in html
    with pytest.raises(TemplateSyntaxError, match="page_header takes title="):
        Template('{% page_header %}{% endpage_header %}')


def test_a_page_header_given_attention_names_each_cart_that_needs_it_under_the_heading() -> None:
    needing = [SimpleNamespace(cart=SimpleNamespace(pk=7, name="Main <store>"), text="2 refused orders",
                               refused_orders=2, on_auto_sync_tab=False)]
    html = Template('{% page_header title="Shopping Carts" attention=needing %}{% endpage_header %}').render(
        Context({"needing": needing}))
    assert html.index("<h1>Shopping Carts</h1>") < html.index('<section class="card" id="carts-attention"')
    assert "<strong>Main &lt;store&gt; needs attention:</strong> 2 refused orders." in html
    assert 'href="/setup/carts/7/refused/"' in html
    quiet = Template('{% page_header title="Shopping Carts" attention=needing %}{% endpage_header %}').render(
        Context({"needing": []}))
    assert "carts-attention" not in quiet
