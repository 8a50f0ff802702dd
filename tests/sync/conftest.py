"""Auto-sync tests use the order tests' sandbox stores and in-process Celery."""
from tests.orders.conftest import eager_celery, fresh_store, shared_store, store  # noqa: F401 - the fixtures
