"""Cart platforms: one folder each, serving the StorePlatform protocol of base.py."""
from __future__ import annotations

from carts.platforms.base import StorePlatform
from carts.platforms.bigcommerce.adapter import BigCommercePlatform

PLATFORMS: dict[str, StorePlatform] = {"bigcommerce": BigCommercePlatform()}


def platform_named(name: str) -> StorePlatform:
    """The platform a cart's `platform` field names."""
    return PLATFORMS[name]
