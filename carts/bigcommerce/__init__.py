"""The BigCommerce REST client: HTTP only, no Django, so it can be tested and reused alone."""
