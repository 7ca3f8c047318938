#!/usr/bin/env bash
# Load test of ctdb as docker-compose deploys it, on one machine: gunicorn
# started by docker/entrypoint.sh with the web service's environment from
# docker-compose.yml (loadtest/stack.py), nginx with docker/nginx.conf in
# front of it, Redis for the throttle's shared counts, PostgreSQL with
# ATTACKS synthetic attacks. Through nginx, locust offers RATE requests/s of
# the usual mix for SECONDS, while 6 clients ask for the deepest pages back
# to back and 4 slow clients trickle their headers; the clients start over
# LOADTEST_RAMP_SECONDS (5), and an edit LOADTEST_EDIT_AT seconds in (30)
# makes every cached answer stale at once (loadtest/locustfile.py).
# Exits non-zero on any 5xx, failed connection, unexpected status or request
# over 2 s (loadtest/report.py).
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctdb_bench loadtest/run.sh [ATTACKS] [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ATTACKS="${1:-200000}"
RATE="${2:-50}"
SECONDS_="${3:-60}"
WEB_PORT="${LOADTEST_WEB_PORT:-8765}"  # gunicorn, reached by nginx only
PORT="${LOADTEST_PORT:-8766}"          # nginx, where the clients go
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
case "$DATABASE_URL" in postgres*) ;; *) echo "the load test needs PostgreSQL in DATABASE_URL" >&2; exit 2 ;; esac
PY="$PWD/.venv/bin/python"
OUT=var/loadtest
rm -rf "$OUT" && mkdir -p "$OUT/nginx"

# Data: management commands run with the shell's environment, not the server's.
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-loadtest-only-secret-key}" DJANGO_LOG_LEVEL=WARNING
$PY loadtest/stack.py create-db
$PY manage.py migrate --no-input -v0
have=$($PY manage.py shell -c "from ctdb.core.models import Attack; print(Attack.objects.filter(slug__startswith='synthetic-').count())" | tail -n1)
if [ "$have" != "$ATTACKS" ]; then
  $PY manage.py remove_synthetic >/dev/null
  $PY manage.py generate_synthetic --attacks "$ATTACKS" --no-progress
  echo "VACUUM ANALYZE" | $PY manage.py dbshell >/dev/null
fi
$PY loadtest/stack.py forget-counts

# gunicorn as the container starts it, with nothing of this shell's environment but PATH and HOME.
eval "web_env=($($PY loadtest/stack.py web-env))"
setsid env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 "${web_env[@]}" PYTHON="$PY" CTDB_BIND="127.0.0.1:$WEB_PORT" \
  docker/entrypoint.sh >"$OUT/gunicorn.log" 2>&1 &
web=$!
nginx_conf=$($PY loadtest/stack.py nginx-conf "$OUT" "$WEB_PORT" "$PORT")
setsid nginx -c "$nginx_conf" -e stderr -g "daemon off;" >"$OUT/nginx.log" 2>&1 &
nginx=$!
trap 'kill -TERM -- -$nginx -$web 2>/dev/null || true; wait 2>/dev/null || true' EXIT
ready() { curl -fs -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/api/v1/"; }
for _ in $(seq 1 180); do
  ready && break
  kill -0 $web 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; exit 1; }
  kill -0 $nginx 2>/dev/null || { cat "$OUT/nginx.log" >&2; exit 1; }
  sleep 1
done
ready || { echo "ctdb did not answer through nginx within 180 s (see $OUT/)" >&2; exit 1; }
printf '%s\n' "${web_env[@]}" | grep -E '^(GUNICORN_WORKERS|CTDB_API_CACHE_SECONDS|CTDB_API_MAX_PAGE_DEPTH)=' | tr '\n' ' '
echo "(docker-compose's web service); load before: $(uptime | sed 's/.*load/load/')"
depth=$(printf '%s\n' "${web_env[@]}" | sed -n 's/^CTDB_API_MAX_PAGE_DEPTH=//p')

# The clients start over RAMP seconds (5 by default), as independent clients arrive; RAMP=0 starts them all at once.
ramp="${LOADTEST_RAMP_SECONDS:-5}"
spawn_rate=$(( ramp > 0 ? (RATE + 10 + ramp - 1) / ramp : RATE + 10 ))
LOADTEST_PAGE_DEPTH="${depth:-10000}" .venv/bin/locust -f loadtest/locustfile.py --headless \
  --host "http://127.0.0.1:$PORT" --users $((RATE + 10)) --spawn-rate "$spawn_rate" \
  --run-time "${SECONDS_}s" --only-summary --csv "$OUT/result" >"$OUT/locust.log" 2>&1 || true
echo "load after: $(uptime | sed 's/.*load/load/')"
$PY loadtest/report.py "$SECONDS_" || status=$?
echo "slow clients: $(cat "$OUT/slow.txt" 2>/dev/null || echo 'none recorded')"
echo "gunicorn: $(grep -c 'WORKER TIMEOUT' "$OUT/gunicorn.log" || true) worker timeouts," \
  "$(grep -c '"level": "ERROR"' "$OUT/gunicorn.log" || true) errors logged; locust: $OUT/locust.log"
exit "${status:-0}"
