#!/usr/bin/env bash
# Load test: gunicorn on PostgreSQL with synthetic attacks, mixed API traffic
# at a fixed rate for a fixed time, then a summary of the figures.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctdb_bench loadtest/run.sh [ATTACKS] [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ATTACKS="${1:-200000}"
RATE="${2:-50}"
SECONDS_="${3:-60}"
PORT="${LOADTEST_PORT:-8765}"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
export DATABASE_URL DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-loadtest-only-secret-key}" DJANGO_DEBUG=0
export CTDB_API_ANON_RATE="1000000/minute" DJANGO_LOG_LEVEL=WARNING DJANGO_CONN_MAX_AGE=60
PY=.venv/bin/python

$PY manage.py migrate --no-input -v0
have=$($PY manage.py shell -c "from ctdb.core.models import Attack; print(Attack.objects.filter(slug__startswith='synthetic-').count())" | tail -n1)
if [ "$have" != "$ATTACKS" ]; then
  $PY manage.py remove_synthetic >/dev/null
  $PY manage.py generate_synthetic --attacks "$ATTACKS" --no-progress
fi
$PY manage.py collectstatic --no-input -v0
.venv/bin/gunicorn ctdb.wsgi:application --bind "127.0.0.1:$PORT" --workers "${WORKERS:-4}" --log-level warning &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/api/v1/" >/dev/null && break; sleep 1; done

mkdir -p var/loadtest
.venv/bin/locust -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$RATE" --spawn-rate "$RATE" --run-time "${SECONDS_}s" --only-summary \
  --csv var/loadtest/result --exit-code-on-error 1 || status=$?
$PY - <<'PY'
import csv
rows = list(csv.DictReader(open("var/loadtest/result_stats.csv")))
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"requests: {total['Request Count']}  errors: {total['Failure Count']}  "
      f"rps: {float(total['Requests/s']):.1f}  p50: {total['50%']} ms  p95: {total['95%']} ms  p99: {total['99%']} ms")
PY
echo "API cache (X-Cache): $(cat var/loadtest/cache.txt 2>/dev/null || echo unknown)"
exit "${status:-0}"
