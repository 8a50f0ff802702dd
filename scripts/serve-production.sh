#!/usr/bin/env bash
# `make serve-production`: migrate, collect static files and serve with gunicorn, always with DEBUG off,
# listening where BIND_ADDRESS and WEB_PORT say (127.0.0.1:8000 by default; see salesorder/gunicorn_config.py).
set -euo pipefail
cd "$(dirname "$0")/.."

umask 077  # the database, broker and beat files under var/ are the owner's alone
export DEBUG=false
PYTHON=.venv/bin/python

$PYTHON manage.py migrate --noinput
$PYTHON manage.py collectstatic --noinput -v 0
exec $PYTHON -m gunicorn --config salesorder/gunicorn_config.py salesorder.wsgi
