#!/usr/bin/env bash
# `make run`: migrate, start a sandbox BigCommerce store, create the demo company, user and cart,
# then run a Celery worker with beat and the web server until Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

umask 077  # the database, broker, beat schedule and the sandbox's credentials under var/ are the owner's alone
# Development, explicitly: detailed errors and the development keys (the product refuses them otherwise).
export DEBUG=true
WEB_PORT="${WEB_PORT:-8000}"
SANDBOX_PORT="${SANDBOX_PORT:-8001}"
PYTHON=.venv/bin/python
export VAR_DIR="${VAR_DIR:-var}"
CREDENTIALS="$VAR_DIR/sandbox-credentials.txt"
export BIGCOMMERCE_EXTRA_API_HOSTS="${BIGCOMMERCE_EXTRA_API_HOSTS:-127.0.0.1:${SANDBOX_PORT}}"
# The sandbox store delivers its webhooks here (plain http is accepted for a loopback address only), so an
# order placed in its storefront arrives within seconds once the cart's Auto-sync is Running.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:${WEB_PORT}}"

mkdir -p "$VAR_DIR"
$PYTHON manage.py migrate --noinput

trap 'trap - EXIT INT TERM; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

rm -f "$CREDENTIALS"
$PYTHON manage.py sandbox_store --port "$SANDBOX_PORT" --state "$VAR_DIR/sandbox-state.json" \
  --credentials-file "$CREDENTIALS" &
for _ in $(seq 1 100); do
  [ -s "$CREDENTIALS" ] && break
  sleep 0.2
done
[ -s "$CREDENTIALS" ] || { echo "The sandbox store did not start; see its output above." >&2; exit 1; }

$PYTHON manage.py demo --sandbox-credentials "$CREDENTIALS"

$PYTHON -m celery -A salesorder worker --beat --loglevel=INFO --concurrency=2 \
  --schedule="$VAR_DIR/celerybeat-schedule" &

echo "Salesorder: http://127.0.0.1:${WEB_PORT}/  (Ctrl-C stops the web server, the worker and the sandbox store)"
$PYTHON manage.py runserver "127.0.0.1:${WEB_PORT}" --noreload
