"""Structured logs: one JSON object per line on stdout, for the log collector."""

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter, with Django's `request` extra made readable.

    django.request and django.server attach the request object itself; it is
    logged as its method and path (no headers, cookies or body), and
    `server_time`, a duplicate of the timestamp, is dropped.
    """

    def process_log_record(self, log_data):
        request = log_data.pop("request", None)
        if request is not None and hasattr(request, "get_full_path"):
            log_data["method"] = request.method
            log_data["path"] = request.path
        log_data.pop("server_time", None)
        return super().process_log_record(log_data)
