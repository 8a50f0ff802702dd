"""A store's webhooks: registrations (saved with the store's state), events, and their delivery threads."""

import time
from collections.abc import Callable

from sandbox import webhooks
from sandbox.webhook_delivery import Dispatcher
from sandbox.webhooks import Hook, HookRegistry, event_payload


class StoreWebhooks:
    """What the store and its API call: register hooks per API account, send events to them."""

    def __init__(self, *, store_hash: str, store_id: int, secret_of: Callable[[str], str], time_scale: float,
                 timeout: float, on_change: Callable[[], None]) -> None:
        self.store_hash = store_hash
        self.store_id = store_id
        self.registry = HookRegistry()
        self._on_change = on_change
        self.dispatcher = Dispatcher(hooks=self.registry, secret_of=secret_of, time_scale=time_scale, timeout=timeout,
                                     on_deactivate=lambda hook: on_change())

    def start(self) -> None:
        """Start delivering."""
        self.dispatcher.start()

    def stop(self) -> None:
        """Stop delivering (pending deliveries are not sent)."""
        self.dispatcher.stop()

    def create(self, client_id: str, body: object) -> Hook:
        """POST /hooks for an API account; raises HookInvalid."""
        hook = self.registry.create(client_id, body, now=int(time.time()))
        self._on_change()
        return hook

    def update(self, client_id: str, hook_id: int, body: object) -> Hook | None:
        """PUT /hooks/{id}; None when the account has no such hook; raises HookInvalid."""
        hook = self.registry.update(client_id, hook_id, body, now=int(time.time()))
        if hook:
            self._on_change()
        return hook

    def delete(self, client_id: str, hook_id: int) -> Hook | None:
        """DELETE /hooks/{id}; None when the account has no such hook."""
        hook = self.registry.delete(client_id, hook_id)
        if hook:
            self._on_change()
        return hook

    def set_active(self, hook_id: int, active: bool) -> Hook:
        """Activate or deactivate any hook (the admin page); raises KeyError."""
        hook = self.registry.set_active(hook_id, active, now=int(time.time()))
        self._on_change()
        return hook

    def send(self, scope: str, data: dict) -> None:
        """Deliver an event (webhooks-events.mdx payload) to every active hook of its scope."""
        if scope not in webhooks.EVENT_SCOPES:
            raise ValueError(f"the sandbox does not send {scope}")
        self.dispatcher.emit(scope, event_payload(scope=scope, store_id=self.store_id, store_hash=self.store_hash, data=data,
                                                  created_at=int(time.time())))

    def order_event(self, scope: str, order_id: int, **extra: dict) -> None:
        """An order event: data {"type": "order", "id": order_id, ...extra}."""
        self.send(scope, {"type": "order", "id": order_id, **extra})
