FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# pg_dump / pg_restore for `manage.py backup_db` and `restore_db`.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings but no database or real secret.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input

RUN useradd --system --home /app ctdb && mkdir -p /app/var && chown -R ctdb /app/var
USER ctdb
ENV CTDB_COLLECTSTATIC=0
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
