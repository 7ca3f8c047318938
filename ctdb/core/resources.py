"""django-import-export resources: CSV/XLSX rows that name related records
by slug, never by database id.

One resource per model, built from the model's fields so that a new field
appears in imports and exports without a second edit.
"""

from import_export import fields, resources, widgets

from . import models

# Computed or database-managed columns: exported for reference, never imported.
READ_ONLY_COLUMNS = ("created_at", "updated_at", "text_sha256", "search_text")


class SlugResource(resources.ModelResource):
    """Base resource: rows are matched on the slug, all-or-nothing imports."""

    class Meta:
        import_id_fields = ("slug",)
        exclude = ("id", "search_text")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: one invalid row rolls back every row of the file.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run, raise_errors, use_transactions, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        # A citation located by its quote alone gets its offsets before save.
        if hasattr(instance, "locate"):
            instance.locate()


def build_resource(model, base=SlugResource, id_fields=("slug",)):
    """Return a resource class for `model`, foreign keys written as slugs."""
    attrs = {}
    for field in model._meta.concrete_fields:
        if field.is_relation:
            attrs[field.name] = fields.Field(
                attribute=field.name,
                column_name=field.name,
                widget=widgets.ForeignKeyWidget(field.related_model, field="slug"),
            )
        elif field.name in READ_ONLY_COLUMNS:
            attrs[field.name] = fields.Field(attribute=field.name, column_name=field.name, readonly=True)
    meta = type(
        "Meta",
        (base.Meta,),
        {"model": model, "import_id_fields": id_fields, "exclude": ("id", "search_text")},
    )
    attrs["Meta"] = meta
    return type(f"{model.__name__}Resource", (base,), attrs)


RESOURCES = {
    model: build_resource(model)
    for model in (
        models.Article,
        models.Organisation,
        models.OrganisationRelationship,
        models.Actor,
        models.Affiliation,
        models.Attack,
        models.Attribution,
        models.AttackLink,
        models.Agreement,
        models.AgreementParty,
        models.AgreementTarget,
        models.Citation,
    )
}
RESOURCES[models.OrganisationAlias] = build_resource(models.OrganisationAlias, id_fields=("organisation", "name"))
RESOURCES[models.ActorAlias] = build_resource(models.ActorAlias, id_fields=("actor", "name"))
