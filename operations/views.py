"""GET /health/: the operator's health checks as JSON, for load balancers and monitoring (no login)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations.health import CHECKS, health_report


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; ?check=database,broker runs only those."""
    names = [name.strip() for name in request.GET.get("check", "").split(",") if name.strip()] or list(CHECKS)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        return JsonResponse({"error": f"Unknown check {', '.join(unknown)}: choose from {', '.join(CHECKS)}."},
                            status=400)
    report = health_report(checks=names)
    healthy = all(result.ok for result in report.values())
    return JsonResponse({"status": "ok" if healthy else "failing",
                         "checks": {name: result.as_json() for name, result in report.items()}},
                        status=200 if healthy else 503)
