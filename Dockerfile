FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

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
