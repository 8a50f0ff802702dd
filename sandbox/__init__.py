"""A local stand-in for the BigCommerce REST API, its storefront checkout and its order admin.

Plain Python (standard library only) apart from `apps.py` and the management command, so it can
run inside tests, benchmarks or `python manage.py sandbox_store` without touching the product.
"""
