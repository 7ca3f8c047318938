#!/bin/sh
# Container start-up: wait for the database, migrate, load the fixtures into
# an empty database (never over existing data: `manage.py load_dataset
# --update` merges a new release), then run gunicorn (or the command given).
# Static files are collected first (already done in the image: CTDB_COLLECTSTATIC=0).
#
# `entrypoint.sh worker`: the import worker instead (manage.py db_worker),
# which waits for the database and for the web service's migrations (it
# never migrates itself: two containers must not migrate at once).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

if [ "${1:-}" = worker ]; then
  "$PYTHON" manage.py wait_for_db --timeout "${CTDB_DB_WAIT_SECONDS:-60}"
  waited=0
  until "$PYTHON" manage.py migrate --check >/dev/null 2>&1; do
    waited=$((waited + 2))
    if [ "$waited" -gt "${CTDB_MIGRATE_WAIT_SECONDS:-300}" ]; then
      echo "entrypoint: the database is still not migrated after ${waited} s; is the web service running?" >&2
      exit 1
    fi
    sleep 2
  done
  exec "$PYTHON" manage.py db_worker --interval "${CTDB_WORKER_INTERVAL_SECONDS:-1}"
fi

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
  --workers "${GUNICORN_WORKERS:-3}" --preload \
  --access-logfile - --error-logfile -
