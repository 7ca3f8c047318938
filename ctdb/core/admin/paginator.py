"""A changelist paginator whose cost does not grow with the table."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact COUNT(*) is cheap enough.
ESTIMATE_ABOVE = 100_000


class LargeTablePaginator(Paginator):
    """Use PostgreSQL's row estimate for an unfiltered changelist.

    Counting a million rows for every page view costs more than the page
    itself; the planner's estimate (kept fresh by autovacuum's ANALYZE) is
    enough to number the pages. Filtered and searched lists are counted
    exactly, and so is every list on SQLite.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            estimate = self.estimate(queryset)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count

    @staticmethod
    def estimate(queryset):
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
            )
            row = cursor.fetchone()
        return max(row[0], 0) if row else None
