"""django-import-export resources: CSV/XLSX rows that name related records
by slug, never by database id.

One resource per model, built from the model's fields so that a new field
appears in imports and exports without a second edit.

An export has the columns of the dataset export's file for the model
(declared once in its domain's export.py, gathered by ctdb/exports/spec.py), each
cell written as that file writes it; an import takes those columns too
(related records as `<field>_slug`, a citation's `record_type` and
`record_slug`), besides the model's own field names, so that an exported
file imports back.
"""

import copy
import functools
import logging

import tablib
from django.core.exceptions import ValidationError
from django.db.transaction import TransactionManagementError
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult

from ctdb.core.bulk import create_with_history, update_with_history
from ctdb.core.search import reindex, reindex_reaching
from ctdb.exports.spec import TABLES
from ctdb.exports.writer import table_rows
from ctdb.ops.imports import StrictImportMixin
from ctdb.sources.models import CITATION_TARGETS

from . import models
from .data_version import record_version
from .models.base import Alias, SearchableRecord
from .registry import record_models

logger = logging.getLogger(__name__)

# Computed or database-managed columns: exported for reference, never imported.
READ_ONLY_COLUMNS = ("created_at", "updated_at", "text_sha256", "search_text")

# The dataset export's file for each model.
TABLE_OF = {table.model: table for table in TABLES}


class ColumnWidget(widgets.Widget):
    """A cell written and read as the dataset export's column writes and reads it."""

    def __init__(self, column):
        super().__init__()
        self.column = column

    def clean(self, value, row=None, **kwargs):
        return self.column.read("" if value is None else str(value))

    def render(self, value, obj=None, **kwargs):
        return self.column.write(value)


def read_export_columns(table, resource, dataset):
    """Rename, in place, the columns of a file the export wrote (`table`'s)
    to the resource's: `<field>_slug` to `<field>`, a citation's target back
    to its field; columns the export derives from others (a date's
    precision) are dropped."""
    headers = list(dataset.headers or [])
    if table.model is models.Citation and {"record_type", "record_slug"} <= set(headers):
        kinds, slugs = dataset["record_type"], dataset["record_slug"]
        unknown = sorted({kind for kind in kinds if kind not in CITATION_TARGETS})
        if unknown:
            raise ValueError(
                _("Unknown record_type %(unknown)s: it can be %(allowed)s.")
                % {"unknown": ", ".join(map(repr, unknown)), "allowed": ", ".join(CITATION_TARGETS)}
            )
        del dataset["record_type"]
        del dataset["record_slug"]
        for field in CITATION_TARGETS:
            if field not in headers:
                cells = [slug if kind == field else "" for kind, slug in zip(kinds, slugs, strict=True)]
                dataset.append_col(cells, header=field)
    known = {field.column_name for field in resource.fields.values()}
    columns = {column.name: column for column in table.columns}
    for name in list(dataset.headers or []):
        column = columns.get(name)
        if column is not None and column.field is None and name not in known:
            del dataset[name]
    dataset.headers = [
        columns[name].field if name in columns and columns[name].references and name not in known else name
        for name in dataset.headers or []
    ]


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug, looked up once per import."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)
        self.cache = {}

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        key = str(value).strip()
        if key not in self.cache:
            try:
                self.cache[key] = super().clean(key, row, **kwargs)
            except self.model.DoesNotExist:
                raise ValueError(f"no {self.model._meta.verbose_name} has the slug {key!r}") from None
        return self.cache[key]


class SlugInstanceLoader(ModelInstanceLoader):
    """The records a file names, found with one query before the first row.

    import-export's CachedInstanceLoader does the same, but first turns
    every row of the file into a dict, twice, to read one column.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        (name,) = resource.get_import_id_fields()
        self.key_field = resource.fields[name]
        self.instances = {}
        headers = list(dataset.headers or []) if dataset is not None else []
        if len(dataset or ()) and self.key_field.column_name in headers:
            column = dataset.get_col(headers.index(self.key_field.column_name))
            keys = {self.key_field.clean({self.key_field.column_name: value}) for value in column}
            found = self.get_queryset().filter(**{f"{self.key_field.attribute}__in": keys})
            # Comparing a row with its record reads the related records: load them now.
            found = found.select_related(*related_fields(resource._meta.model))
            self.instances = {self.key_field.get_value(instance): instance for instance in found}

    def get_instance(self, row):
        if not self.instances:
            return None
        return self.instances.get(self.key_field.clean(row))


@functools.cache
def choice_sets(model):
    """Each choice field of `model` → the set of values it allows."""
    allowed = {}
    for field in model._meta.concrete_fields:
        if field.choices and not field.is_relation:
            values = {value for value, _label in field.flatchoices}
            if field.blank:
                values.add("")
            if field.null:
                values.add(None)
            allowed[field.attname] = frozenset(values)
    return allowed


@functools.cache
def related_fields(model):
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


class SlugResource(StrictImportMixin, resources.ModelResource):
    """Base resource: rows matched on the slug, written in bulk, all or nothing.

    Each row is validated on its own (fields, and the rules the models check
    in clean(), which mirror the database's constraints), so that every bad
    row is reported with its reason; rows are then written in batches, with
    their history, and one bad row rolls back the whole file.
    """

    class Meta:
        import_id_fields = ("slug",)
        exclude = ("id", "search_text")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        use_bulk = True
        batch_size = 1000
        instance_loader_class = SlugInstanceLoader

    def __init__(self, seen_versions=None, preview_versions=None, **kwargs):
        """`seen_versions`, a dict, is filled with the version of the record
        each row names (row key → version, "" for a new record); given the
        preview's `preview_versions`, a real import refuses every row whose
        record changed since, and so, all or nothing, the file."""
        super().__init__(**kwargs)
        self.seen_versions = seen_versions
        self.preview_versions = preview_versions
        self.lock_rows = False

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.lock_rows:
            # Checked rows stay locked until the import commits: no save lands between check and write.
            queryset = queryset.select_for_update(no_key=True, of=("self",))
        return queryset

    def check_version(self, row, instance, new):
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        key = " / ".join(str(row.get(column) or "").strip() for column in columns).strip(" /")
        if not key:
            return
        version = "" if new else record_version(instance)
        if self.seen_versions is not None:
            self.seen_versions[key] = version
        if self.preview_versions is not None and self.preview_versions.get(key, version) != version:
            raise ValidationError({"loaded_version": _("%(key)s changed since the preview.") % {"key": key}})

    def before_import(self, dataset, **kwargs):
        if dataset.headers:
            read_export_columns(TABLE_OF[self._meta.model], self, dataset)
        super().before_import(dataset, **kwargs)

    def get_export_order(self):
        # What the export form offers to choose from: the file's columns.
        return tuple(TABLE_OF[self._meta.model].header)

    def export(self, queryset=None, **kwargs):
        """The rows of `queryset` (the admin's list, filtered) as the dataset
        export writes them, in the columns the editor chose (all by default)."""
        self.before_export(queryset, **kwargs)
        table = TABLE_OF[self._meta.model]
        if queryset is None:
            queryset = self.get_queryset()
        queryset = self.filter_export(queryset, **kwargs)
        chosen = set(kwargs.get("export_fields") or table.header)
        keep = [index for index, name in enumerate(table.header) if name in chosen]
        dataset = tablib.Dataset(headers=[table.header[index] for index in keep])
        for cells in table_rows(table, using=queryset.db, queryset=queryset):
            dataset.append([cells[index] for index in keep])
        self.after_export(queryset, dataset, **kwargs)
        return dataset

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: one invalid row rolls back every row of the file.
        kwargs["rollback_on_validation_errors"] = True
        self.import_user = kwargs.get("user")
        for field in self.fields.values():
            if isinstance(field.widget, SlugWidget):
                field.widget.cache.clear()
        self._fields_for_columns = {}
        self.lock_rows = not dry_run and self.preview_versions is not None
        return super().import_data(dataset, dry_run, raise_errors, use_transactions, **kwargs)

    def get_import_fields(self):
        # The same for every row: import-export would work it out again for
        # each row, several times.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def fields_for_row(self, row):
        """The fields a row sets: those whose column it has (every row of a
        file has the same columns, so this is worked out once per file)."""
        columns = tuple(row)
        cache = self.__dict__.setdefault("_fields_for_columns", {})
        if columns not in cache:
            cache[columns] = [
                field
                for field in self.get_import_fields()
                if field.attribute
                and field.column_name in row
                and not isinstance(field.widget, widgets.ManyToManyWidget)
            ]
        return cache[columns]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.fields_for_row(row):
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        """One row, through the same hooks and to the same result as
        import-export's own, at less cost per row:

        * the record as it was is kept as a shallow copy (its field values
          are replaced on import, never changed in place), not a deep copy
          that would copy every related record it has loaded;
        * the diff of each row is worked out only for a dry run, the preview
          that shows it: the result of a real import is read for its counts,
          errors and records, and the admin never shows its diff.
        """
        store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        with_diff = not self._meta.skip_diff and self._is_dry_run(kwargs)
        row_result = self.get_row_result_class()()
        if self._meta.store_row_values:
            row_result.row_values = row
        diff = None
        try:
            self.before_import_row(row, **kwargs)
            instance, new = self.get_or_init_instance(instance_loader, row)
            self.check_version(row, instance, new)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            # Needed to skip unchanged rows, as well as for the diff.
            original = None if self._meta.skip_diff else copy.copy(instance)
            if with_diff:
                diff = self.get_diff_class()(self, original, new)
            if self.for_delete(row, instance):
                self.import_deletion(row, row_result, instance, new, store_instance, **kwargs)
                if diff is not None:
                    diff.compare_with(self, None)
            else:
                import_errors = {}
                try:
                    self.import_instance(instance, row, **kwargs)
                except ValidationError as error:
                    import_errors = error.update_error_dict(import_errors)
                if self.skip_row(instance, original, row, import_errors):
                    row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                else:
                    self.validate_instance(instance, import_errors)
                    self.save_instance(instance, new, row, **kwargs)
                    self.save_m2m(instance, row, **kwargs)
                row_result.add_instance_info(instance)
                if store_instance:
                    row_result.instance = instance
                if original is not None and not new:
                    row_result.original = original
                if diff is not None:
                    diff.compare_with(self, instance)
            if diff is not None and not self._meta.skip_html_diff:
                row_result.diff = diff.as_html()
            self.after_import_row(row, row_result, **kwargs)
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
        except Exception as error:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            if not isinstance(error, TransactionManagementError):
                logger.debug(error, exc_info=True)  # the first error is the one that matters
            row_result.errors.append(self.get_error_result_class()(error, row=row, number=kwargs["row_number"]))
        if (progress := kwargs.get("progress")) is not None:
            progress(kwargs["row_number"])  # an import job's progress (ctdb.ops.import_jobs)
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A new record is never "unchanged", not even from a row of empty
        # cells (which import-export would skip): it is validated, and refused.
        if original is not None and original.pk is None:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_deletion(self, row, row_result, instance, new, store_instance, **kwargs):
        if new:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP  # nothing to delete
            return
        row_result.import_type = RowResult.IMPORT_TYPE_DELETE
        row_result.add_instance_info(instance)
        if store_instance:
            row_result.instance = copy.copy(instance)  # keeps its id once deleted
        self.delete_instance(instance, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Repeated keys and unknown columns are refused for the whole file
        # by StrictImportMixin before any row is read.
        errors = dict(import_validation_errors or {})
        choices = choice_sets(type(instance))
        for name, allowed in choices.items():
            value = getattr(instance, name)
            if value not in allowed and name not in errors:
                errors[name] = [ValidationError(_("%(value)r is not an allowed value.") % {"value": value})]
        try:
            # The database checks its constraints on write, choices are
            # checked above against a set and related records were found by
            # SlugWidget: Django's own per-row checks would cost a query per
            # constraint and per foreign key, and a scan of every country.
            instance.full_clean(
                exclude=[*errors.keys(), *choices, *related_fields(type(instance))],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if hasattr(instance, "prepare"):
            instance.search_in_bulk = True  # its document is built with the batch's, once written
            instance.prepare()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if using_transactions or not dry_run:
            self._write_pending(self.create_instances, create_with_history, raise_errors, batch_size, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if using_transactions or not dry_run:
            write = functools.partial(update_with_history, fields=self.update_columns())
            self._write_pending(self.update_instances, write, raise_errors, batch_size, result)

    def _write_pending(self, pending, write, raise_errors, batch_size, result):
        """Write the batch of new or changed records with their history, then empty it."""
        if not pending:
            return
        try:
            write(
                self._meta.model,
                pending,
                batch_size=batch_size,
                default_user=self.import_user,
                using=self.get_db_connection_name(),
            )
            # These rows' documents, with their aliases and links, and those that hold
            # their names (an attack its perpetrators').
            model, pks, using = self._meta.model, [record.pk for record in pending], self.get_db_connection_name()
            if issubclass(model, SearchableRecord):
                reindex(model, model._default_manager.using(using).filter(pk__in=pks), using=using)
            reindex_reaching(model, pks, using=using)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            pending.clear()

    def update_columns(self):
        """The imported columns plus those prepare() derives."""
        model_fields = {field.name for field in self._meta.model._meta.concrete_fields}
        derived = ("search_text", "text_sha256", "updated_at")
        names = [*self.get_bulk_update_fields(), *derived]
        return [name for name in dict.fromkeys(names) if name in model_fields and name != "created_at"]


class AliasResource(SlugResource):
    """Aliases are keyed by (owner, name); their owners' search text follows."""

    class Meta(SlugResource.Meta):
        instance_loader_class = ModelInstanceLoader

    def before_save_instance(self, instance, row, **kwargs):
        pass

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        owner = self._meta.model.owner_field
        owner_model = self._meta.model._meta.get_field(owner).related_model
        slugs = {row.get(owner) for row in dataset.dict if row.get(owner)}
        owners = owner_model.objects.filter(slug__in=slugs)
        reindex(owner_model, owners)
        reindex_reaching(owner_model, owners.values_list("pk", flat=True))


def build_resource(model, base=SlugResource, id_fields=("slug",)):
    """Return a resource class for `model`, foreign keys written as slugs."""
    attrs = {}
    # Read as the dataset file writes them: an object as JSON text, no date as an empty cell.
    read_by_column = {
        column.field: column for column in TABLE_OF[model].columns if column.type in ("json", "partial_date")
    }
    for field in model._meta.concrete_fields:
        if field.name in read_by_column:
            attrs[field.name] = fields.Field(
                attribute=field.name, column_name=field.name, widget=ColumnWidget(read_by_column[field.name])
            )
        elif field.is_relation:
            attrs[field.name] = fields.Field(
                attribute=field.name,
                column_name=field.name,
                widget=SlugWidget(field.related_model),
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


def resource_for(model):
    """The import resource of a record model: an alias is keyed by its owner and name, any other record by its slug."""
    if issubclass(model, Alias):
        return build_resource(model, base=AliasResource, id_fields=(model.owner_field, "name"))
    return build_resource(model)


# A record model without a dataset file gets no resource (its columns are the
# file's): the guard rail, tests/core/test_every_record_model.py, names it.
RESOURCES = {model: resource_for(model) for model in record_models() if model in TABLE_OF}
