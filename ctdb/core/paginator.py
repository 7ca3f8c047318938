"""Paginators whose cost does not grow with the table.

Counting a million rows for every page view costs more than the page itself.
For an unfiltered list of a large PostgreSQL table the planner's row estimate
(kept fresh by autovacuum's ANALYZE) is enough to number the pages. Filtered
and searched lists are counted exactly, and so is every list on SQLite and
every table of at most `ESTIMATE_ABOVE` rows.
"""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact COUNT(*) is cheap enough.
ESTIMATE_ABOVE = 100_000
# A filtered API list is counted exactly up to this many matches.
EXACT_UP_TO = 10_000
# From this offset a page reads its ids first (see LookaheadPaginator.rows).
IDS_FIRST_FROM = 1_000


def row_estimate(queryset):
    """PostgreSQL's estimate of the rows in the queryset's table, or None
    (another database, or a table never analysed)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class LargeTablePaginator(Paginator):
    """The admin's changelist paginator: estimates an unfiltered large table."""

    @cached_property
    def counted(self):
        """(count, whether it is exact)."""
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            estimate = row_estimate(self.object_list)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate, False
        return Paginator.count.func(self), True

    @property
    def count(self):
        return self.counted[0]

    @property
    def count_is_exact(self):
        return self.counted[1]

    def exact_count(self):
        """The exact count, whatever it costs (for the last page)."""
        if not self.count_is_exact:
            self.counted = (Paginator.count.func(self), True)
            self.__dict__.pop("num_pages", None)
        return self.count


def planner_estimate(queryset):
    """PostgreSQL's estimate of the rows the queryset returns, or None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        sql, params = queryset.order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class LookaheadPaginator(LargeTablePaginator):
    """Pages that know whether another follows by reading one row more, not
    from the count: an estimated count can then neither hide the last pages
    nor promise pages that are not there.

    A filtered list is counted exactly up to `EXACT_UP_TO` matches, reading
    at most one row more; beyond, on PostgreSQL, the planner's estimate of
    the matches is the count (at least `EXACT_UP_TO` + 1). So no page costs
    a count over more rows than that, whatever the table's size."""

    @cached_property
    def counted(self):
        query = getattr(self.object_list, "query", None)
        if query is None or not query.where:
            return super().counted
        capped = self.object_list.order_by()[: EXACT_UP_TO + 1].count()
        if capped <= EXACT_UP_TO:
            return capped, True
        estimate = planner_estimate(self.object_list)
        if estimate is None:
            return Paginator.count.func(self), True
        return max(estimate, EXACT_UP_TO + 1), False

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return LookaheadPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def rows(self, bottom, top):
        """The rows from `bottom` to `top`. Deep in a list, an OFFSET makes the
        database build and drop every row before the page, with all of its
        joins (a citation joins its article and ten targets): there the page
        reads its ids alone, through the ordering's index, then joins only
        those rows."""
        window = self.object_list[bottom:top]
        if bottom < IDS_FIRST_FROM or not hasattr(window, "values_list"):
            return list(window)
        ids = list(window.values_list("pk", flat=True))
        place = {pk: index for index, pk in enumerate(ids)}
        return sorted(self.object_list.filter(pk__in=ids), key=lambda row: place[row.pk])


class LookaheadPage(Page):
    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more
