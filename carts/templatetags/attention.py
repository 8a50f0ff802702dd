"""{% cart_attention cart as attention %}: what needs the merchant's attention on a cart (carts/attention.py)."""
from __future__ import annotations

from django import template

from carts.attention import CartAttention, cart_attention as attention_of
from carts.models import Cart

register = template.Library()


@register.simple_tag
def cart_attention(cart: Cart) -> CartAttention:
    """For the cart header, whichever tab's view rendered it."""
    return attention_of(cart=cart)
