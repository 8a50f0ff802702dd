"""The v3 webhook endpoints (webhooks.v3.yml): an API account's hooks, to list, create, read, change and delete.

No OAuth scope is needed (the default scope every account has); each account sees only its own hooks.
Refusals are 422 with `errors` naming each field, as the spec's 422_UnprocessableEntity shows.
"""

from sandbox import query as params
from sandbox.apitypes import ERROR_TYPE_URL, ApiError, ApiRequest, ApiResponse
from sandbox.api_v3 import pagination
from sandbox.store import SandboxStore
from sandbox.webhooks import Hook, HookInvalid

_LIST_FILTERS = {"page", "limit", "is_active", "scope", "destination"}


def _one(store: SandboxStore, hook: Hook | None, hook_id: int) -> ApiResponse:
    if hook is None:
        raise ApiError(404, f"Webhook with id [{hook_id}] not found")
    return ApiResponse(200, {"data": hook.to_json(store.store_hash), "meta": {}})


def _unprocessable(error: HookInvalid) -> ApiResponse:
    return ApiResponse(422, {"status": 422, "title": "JSON data is missing or invalid", "type": ERROR_TYPE_URL,
                             "errors": error.errors})


def list_hooks(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/hooks: the requesting account's hooks, filtered by is_active, scope and destination."""
    params.reject_unsupported(request.query, _LIST_FILTERS)
    page, limit = params.paging(request.query)
    active = params.boolean(request.query, "is_active")
    hooks = [hook for hook in store.webhooks.registry.of(request.client_id)
             if (active is None or hook.is_active == active)
             and request.query.get("scope", hook.scope) == hook.scope
             and request.query.get("destination", hook.destination) == hook.destination]
    data = [hook.to_json(store.store_hash) for hook in hooks[(page - 1) * limit:page * limit]]
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(hooks), len(data), page, limit)})


def create_hook(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """POST /v3/hooks (the spec lists 200 for it)."""
    params.reject_unsupported(request.query, set())
    try:
        hook = store.webhooks.create(request.client_id, request.json_body())
    except HookInvalid as error:
        return _unprocessable(error)
    return ApiResponse(200, {"data": hook.to_json(store.store_hash), "meta": {}})


def get_hook(store: SandboxStore, request: ApiRequest, webhook_id: int) -> ApiResponse:
    """GET /v3/hooks/{webhook_id}."""
    params.reject_unsupported(request.query, set())
    return _one(store, store.webhooks.registry.get(request.client_id, webhook_id), webhook_id)


def update_hook(store: SandboxStore, request: ApiRequest, webhook_id: int) -> ApiResponse:
    """PUT /v3/hooks/{webhook_id}: any of scope, destination, is_active (true reactivates it), headers."""
    params.reject_unsupported(request.query, set())
    try:
        hook = store.webhooks.update(request.client_id, webhook_id, request.json_body())
    except HookInvalid as error:
        if store.webhooks.registry.get(request.client_id, webhook_id) is None:
            raise ApiError(404, f"Webhook with id [{webhook_id}] not found") from None
        return _unprocessable(error)
    return _one(store, hook, webhook_id)


def delete_hook(store: SandboxStore, request: ApiRequest, webhook_id: int) -> ApiResponse:
    """DELETE /v3/hooks/{webhook_id}: answers 200 with the hook deleted."""
    params.reject_unsupported(request.query, set())
    return _one(store, store.webhooks.delete(request.client_id, webhook_id), webhook_id)
