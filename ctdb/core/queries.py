"""Query pieces shared by the admin and the API."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(model, field):
    """Annotation: how many `model` rows point at the record through `field`.

    A correlated subquery rather than Count() over a join: it needs no GROUP
    BY over the whole table, so a page of results costs the same whatever the
    table's size.
    """
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), Value(0))
