#!/bin/sh
# Container start-up: wait for the database, migrate, load the fixtures into
# an empty database (never over existing data: `manage.py load_dataset
# --update` merges a new release), then run gunicorn (or the command given).
# Static files are collected first (already done in the image: CTDB_COLLECTSTATIC=0).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

if [ "${CTDB_COLLECTSTATIC:-1}" = 1 ]; then
  "$PYTHON" manage.py collectstatic --no-input --verbosity 0
fi
"$PYTHON" manage.py wait_for_db --timeout "${CTDB_DB_WAIT_SECONDS:-60}"
"$PYTHON" manage.py migrate --no-input
"$PYTHON" manage.py load_dataset --if-empty

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
exec "$PYTHON" -m gunicorn ctdb.wsgi:application \
  --bind "${CTDB_BIND:-0.0.0.0:8000}" \
  --workers "${GUNICORN_WORKERS:-3}" \
  --access-logfile - --error-logfile -
