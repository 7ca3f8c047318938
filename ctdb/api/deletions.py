"""The deletion feed of each resource, `/<resource>/sync/deleted/`.

A mirror applies `/sync/` for what was created or changed and this feed for
what was deleted: slug and time, in keyset pages like `/sync/`'s (see
`ctdb.core.deletions` for where the deletions come from).
"""

import django_filters
from rest_framework import serializers

from .filters import UpdatedSinceFilter

DESCRIPTION = (
    "**Deletions**: the records of this resource that were deleted, with their slug and the time of the "
    "deletion, oldest first, in keyset pages ordered by (`deleted_at`, internal id). Follow `next` until it "
    "is null; keep the last `cursor` and send it later to receive only the deletions since. A record created "
    "again with the same slug after its deletion is in `sync/` at its own time: apply a deletion to your "
    "copy only if your copy's `updated_at` is not later than `deleted_at`."
)


class DeletedRecordSerializer(serializers.Serializer):
    """A deleted record: its slug and when it was deleted."""

    slug = serializers.SlugField(read_only=True, help_text="Slug the record had.")
    deleted_at = serializers.DateTimeField(source="history_date", read_only=True, help_text="When it was deleted.")


class DeletionFilterSet(django_filters.FilterSet):
    deleted_since = UpdatedSinceFilter(
        field_name="history_date",
        lookup_expr="gte",
        help_text="ISO 8601 date-time: deletions at or after it.",
    )
