"""Two ways through a resource.

Pages (`?page=` and `?page_size=`, the default) for browsing and filtered
queries. A keyset cursor (`/<resource>/sync/?cursor=`) for copying and
keeping a copy up to date: ordered by (updated_at, pk), it neither skips nor
repeats a record when rows are added between requests, and its last cursor
can be kept to fetch only what changed since.

`page_size` above `MAX_PAGE_SIZE` is refused with a 400 rather than silently
clamped, so that a client never mistakes a short page for the whole set. A
`page` that is not a whole number from 1 is a 400 too; a page beyond the last
is a 404.

Pages reach only the first `CTDB_API_MAX_PAGE_DEPTH` records (settings,
default 10,000: page × page_size at most that): reading row 400,000 by
offset makes the database read and drop the 399,999 before it, and a few
such requests stall every other. Deeper pages, and `page=last` when it is
deeper or the count is only an estimate, are a 400 that points to `/sync/`,
whose cursor pages cost the same at any depth. Sync pages are bounded in
bytes too (`CTDB_API_SYNC_PAGE_BYTES`): a page of large records stops early,
and its cursor continues where it stopped.

A page's `count` is exact (`count_exact` true) except on PostgreSQL for the
unfiltered list of a table of more than 100,000 rows and for a filtered or
searched list of more than 10,000 matches, where it is the planner's
estimate (counting a million rows would cost more than the page). `next`
never depends on the count: the page reads one row more to know whether
another follows.
"""

import base64
import binascii
import datetime
import json

from django.conf import settings
from django.db.models import DateTimeField, F, Func, Value
from django.db.models.lookups import GreaterThan
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.utils.urls import replace_query_param

from ..core.paginator import LookaheadPaginator

MAX_PAGE_SIZE = 500
MAX_ID = 2**63 - 1  # a bigint
PAGE_SIZE_PARAM = "page_size"


def whole_number(raw):
    """The value of ASCII digits, or 0 for anything else (`²` and `٣` are digits to `str.isdigit`)."""
    return int(raw) if raw.isascii() and raw.isdigit() else 0


def page_size_from(request, default):
    raw = request.query_params.get(PAGE_SIZE_PARAM)
    if raw in (None, ""):
        return default
    size = whole_number(raw)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({PAGE_SIZE_PARAM: [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


def page_size_parameter(default):
    return {
        "name": PAGE_SIZE_PARAM,
        "required": False,
        "in": "query",
        "description": f"Records per page, 1 to {MAX_PAGE_SIZE} (default {default}); more is refused with a 400.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": default},
    }


def link_header(**links):
    """An RFC 8288 `Link` header, so that CSV clients can page too."""
    value = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return {"Link": value} if value else {}


class PagePagination(PageNumberPagination):
    """Numbered pages: `count`, `next`, `previous` and `results`."""

    page_size_query_param = PAGE_SIZE_PARAM
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = LookaheadPaginator

    def get_page_size(self, request):
        return page_size_from(request, self.page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            # An estimated count is of a list far deeper than the bound: counting it exactly would cost seconds.
            if not paginator.count_is_exact:
                raise self.too_deep(request)
            number = paginator.num_pages
        else:
            number = whole_number(raw)
            if number < 1:
                raise ValidationError({self.page_query_param: ["Give a whole number from 1."]})
        if number * paginator.per_page > settings.CTDB_API_MAX_PAGE_DEPTH:
            raise self.too_deep(request)
        return number

    def too_deep(self, request):
        depth = settings.CTDB_API_MAX_PAGE_DEPTH
        message = (
            f"Pages reach the first {depth} records only (page × page_size at most {depth}). "
            f"Read further through {request.build_absolute_uri('sync/')}, whose cursor pages go to the end."
        )
        return ValidationError({self.page_query_param: [message]})

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_is_exact,
                "next": next_link,
                "previous": previous_link,
                "results": data,
            },
            headers=link_header(next=next_link, prev=previous_link),
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Records matching the query, on all pages; an estimate if `count_exact` is false.",
                },
                "count_exact": {
                    "type": "boolean",
                    "description": (
                        "False when `count` is PostgreSQL's estimate: for the unfiltered list of a table of "
                        "more than 100,000 rows, and for a filtered or searched list of more than 10,000 "
                        "matches. Otherwise the count is exact."
                    ),
                },
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        page = {
            **super().get_schema_operation_parameters(view)[0],
            "description": (
                "Page number, from 1, or `last`; a page beyond the last is a 404. Pages reach the first "
                f"{settings.CTDB_API_MAX_PAGE_DEPTH} records only: page × page_size above that is a 400, and so "
                "is `last` when the last page is deeper or `count_exact` is false. Read further through the "
                "resource's `/sync/`."
            ),
            "schema": {"type": "integer", "minimum": 1},
        }
        return [page, page_size_parameter(self.page_size)]


class Row(Func):
    """A row value, `(a, b)`, for comparing keys in order."""

    template = "(%(expressions)s)"
    output_field = DateTimeField()


class SyncPagination(BasePagination):
    """Keyset pages in (updated_at, pk) order: `next`, `cursor` and `results`.

    The cursor is opaque to clients: base64 of the last row's position, with
    a tag naming the feed it belongs to, so that a cursor of one feed given to
    another is refused rather than misread."""

    cursor_query_param = "cursor"
    # Copying is what this mode is for: the largest pages by default.
    page_size = MAX_PAGE_SIZE
    # The keyset: a time, then a unique id to order rows of the same time.
    order = ("updated_at", "pk")
    tag = ""  # the sync feed's cursors have none, as they had before there were other feeds
    event, done = "change", "created or changed"  # for the schema's descriptions

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = page_size_from(request, self.page_size)
        position = self.decode(request.query_params.get(self.cursor_query_param))
        queryset = queryset.order_by(*self.order)
        if position:
            updated_at, pk = position
            # A row comparison, which the index on (updated_at, id) answers
            # by seeking straight to the position; the equivalent OR of two
            # conditions makes PostgreSQL read every row before it.
            after = GreaterThan(
                Row(*(F(name) for name in self.order)), Row(Value(updated_at, output_field=DateTimeField()), Value(pk))
            )
            queryset = queryset.filter(after)
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = self.rows = rows[: self.page_size]
        self.cursor = self.encode(rows[-1]) if rows else request.query_params.get(self.cursor_query_param)
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.cursor)

    def within_budget(self, data):
        """The first records of `data` whose JSON fits in `CTDB_API_SYNC_PAGE_BYTES`, at
        least one: a page of large records stops early, its cursor at the last record kept."""
        size = 0
        for kept, record in enumerate(data):
            size += len(json.dumps(record, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")).encode())
            if kept and size > settings.CTDB_API_SYNC_PAGE_BYTES:
                self.has_next = True
                self.cursor = self.encode(self.rows[kept - 1])
                return data[:kept]
        return data

    def get_paginated_response(self, data):
        data = self.within_budget(data)
        next_link = self.get_next_link()
        return Response(
            {"next": next_link, "cursor": self.cursor, "results": data}, headers=link_header(next=next_link)
        )

    @classmethod
    def encode(cls, record):
        time, pk = (getattr(record, name) for name in cls.order)
        position = f"{cls.tag}{time.isoformat()}|{pk}"
        return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")

    def decode(self, cursor):
        if not cursor:
            return None
        try:
            position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            if not position.startswith(self.tag):
                raise ValueError("another feed's cursor")
            updated_at, pk = position.removeprefix(self.tag).split("|")
            updated_at = datetime.datetime.fromisoformat(updated_at)
            if updated_at.tzinfo is None:
                raise ValueError("naive")
            pk = int(pk)
            # Issued cursors are in UTC with an id the database can hold; any other was made up.
            if not 0 < pk <= MAX_ID:
                raise ValueError("id out of range")
            return updated_at.astimezone(datetime.UTC), pk
        except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor; start again without one."]}) from None

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "cursor", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": f"The next page, or null when this page reaches the newest {self.event}.",
                },
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": (
                        "Opaque position after the last record of this page, for the API's use only: do not "
                        "build or read one. Keep the last one and send it again later as `cursor` to receive "
                        f"only records {self.done} since."
                    ),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Opaque position: a `cursor` this feed returned, sent back unchanged (it is not a time or "
                    f"an id to build). Without it, start at the oldest {self.event}."
                ),
                "schema": {"type": "string"},
            },
            page_size_parameter(self.page_size),
        ]


class DeletionPagination(SyncPagination):
    """The deletion feed's keyset pages: (history_date, history_id) order, tagged cursors."""

    order = ("history_date", "pk")
    tag = "deleted|"
    event, done = "deletion", "deleted"
