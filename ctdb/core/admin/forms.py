"""Admin forms: no edit silently overwrites another editor's.

Every change form, and every row of an inline (attributions, parties,
aliases, citations...), carries the version of its record as it was when
the page was rendered. The save compares it with the stored version with
the row locked (SELECT ... FOR UPDATE inside the admin's save transaction),
so two saves of one record at the same instant cannot both pass the check:
the second waits for the first to commit, then finds a newer version and is
refused, with what its editor typed kept on the page.

Imports do the same between the preview and the confirmation: the preview
notes the version of every record the file names, and the confirmation
refuses the whole file if any of them changed meanwhile.
"""

import functools
import logging

from django import forms
from django.db import DatabaseError, router, transaction
from django.utils.translation import gettext_lazy as _

from ctdb.ops.errors import is_collision

from ..data_version import record_version

logger = logging.getLogger(__name__)

STALE = _(
    "Another editor saved this record after you opened it. Your changes were not saved: "
    "open the record again to see theirs, then make yours."
)
STALE_ROW = _(
    "Another editor changed this row after you opened the page. Nothing was saved: "
    "open the page again to see their change, then make yours."
)
COLLIDED = _("Another editor's save collided with yours; nothing was saved. Press Save again.")


def lock_related(record):
    """Lock the records `record` and the other rows of its page refer to,
    before `record` itself.

    Writing a row moves the `updated_at` of the records it refers to
    (`ctdb.core.nested_changes`), which locks them. Parents are locked
    first everywhere (an attack's page locks the attack, then its attribution
    rows; an attribution's page its attack, then the attribution). Locked row
    by row, two attack pages whose rows name the same two organisations in
    opposite order would each hold one and wait for the other: a deadlock. So
    a row shown inline locks what every row of its page (the rows with its
    parent) refers to, all at once and in one order, table by table and by id,
    and so does its own page; two saves never hold each other's next row.
    """
    model = type(record)
    rows = model._default_manager.filter(pk=record.pk)
    parents = inline_parents(model)
    if parents:
        stored = rows.values(*[parent.attname for parent in parents]).first() or {}
        for parent in parents:
            if stored.get(parent.attname) is not None:
                rows |= model._default_manager.filter(**{parent.attname: stored[parent.attname]})
    relations = [field for field in model._meta.concrete_fields if field.is_relation]
    targets = {}
    for values in rows.values(*[field.attname for field in relations]):
        for field in relations:
            if values[field.attname] is not None:
                targets.setdefault(field.related_model, set()).add(values[field.attname])
    for related in sorted(targets, key=lambda related: related._meta.db_table):
        locked = related._default_manager.filter(pk__in=targets[related]).order_by("pk")
        list(locked.select_for_update(no_key=True).values_list("pk", flat=True))


@functools.cache
def inline_parents(model):
    """The foreign keys through which admin pages show rows of `model` inline
    (an attribution's attack)."""
    from django.contrib import admin
    from django.forms.models import _get_foreign_key

    return [
        _get_foreign_key(parent, model, fk_name=inline.fk_name)
        for parent, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if inline.model is model
    ]


class OptimisticLockForm(forms.ModelForm):
    """Refuse a save when the record changed since this form was opened.

    The form carries the record's version (`record_version`) as it was when
    rendered; if the database holds another, another editor saved in
    between, and saving now would silently undo their work.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by CollisionRetryMixin once a save has collided twice: the form is
    # shown again with the editor's input and the reason.
    collided = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # The version of the record as the page shows it, read with it: one
            # read a moment later could be a save's made in between, which the
            # page would then undo unseen. But a history page edits an older
            # copy of the record (simple-history marks it), and restoring it
            # must not look stale: it carries the stored version.
            historical = hasattr(self.instance, "_history")
            self.fields["loaded_version"].initial = (
                self.stored_version() if historical else record_version(self.instance)
            )

    def stored_version(self, lock=False):
        """The record's version in the database; with `lock`, the row stays
        locked until the save's transaction ends (where there is one)."""
        model = type(self.instance)
        records = model._default_manager.filter(pk=self.instance.pk)
        if lock and transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            lock_related(self.instance)
            # NO KEY: inserting a row that refers to this one (an attribution
            # of this attack) is not blocked by it.
            records = records.select_for_update(no_key=True)
        return record_version(records.first())

    def is_stale(self):
        loaded = self.cleaned_data.get("loaded_version")
        return bool(self.instance.pk and loaded and self.stored_version(lock=True) not in ("", loaded))

    def clean(self):
        cleaned = super().clean()
        if self.collided:
            raise forms.ValidationError(COLLIDED, code="collided")
        self.check_version()
        return cleaned

    def check_version(self):
        if self.is_stale():
            raise forms.ValidationError(STALE, code="stale")


class InlineOptimisticLockForm(OptimisticLockForm):
    """An inline row: refused only if its save would write.

    A row the editor left as the database holds it is not saved by the
    formset, so another editor's change to it meanwhile is no conflict; a
    row that differs would overwrite theirs with what this page showed.
    """

    def writes(self):
        return any(name != "loaded_version" for name in self.changed_data)

    def check_version(self):
        if self.writes() and self.is_stale():
            raise forms.ValidationError(STALE_ROW, code="stale")


def with_version(form_class):
    """`form_class`, carrying and checking its row's version."""
    if issubclass(form_class, OptimisticLockForm):
        return form_class
    if form_class is forms.ModelForm:
        return InlineOptimisticLockForm
    return type(f"Versioned{form_class.__name__}", (form_class, InlineOptimisticLockForm), {})


class VersionedInlineMixin:
    """Mixed into an inline admin: each row carries its own version."""

    def get_formset(self, request, obj=None, **kwargs):
        form = with_version(kwargs.pop("form", self.form))
        if getattr(request, "ctdb_collided", False):
            form = type(form.__name__, (form,), {"collided": True})
        return super().get_formset(request, obj, form=form, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "loaded_version" in fields else [*fields, "loaded_version"]


class CollisionRetryMixin:
    """Mixed into a ModelAdmin: a save that deadlocked or hit a serialisation
    failure is retried once, as a whole transaction (nothing of the first
    attempt was kept); if it collides again, the form is shown again with
    the editor's input and the reason. (Imports are refused, all or nothing,
    if a record they name changed since their preview: ctdb.ops.import_jobs.)"""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        using = router.db_for_write(self.model)
        # Only where the admin's transaction is the outermost: inside another,
        # the first attempt's work could not be rolled back alone.
        retry = request.method == "POST" and not transaction.get_connection(using).in_atomic_block
        for attempt in (1, 2) if retry else (2,):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except DatabaseError as error:
                if not retry or not is_collision(error):
                    raise
                logger.warning(
                    "Admin save collided (attempt %s): %s %s: %s", attempt, request.method, request.path, error
                )
        request.ctdb_collided = True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "ctdb_collided", False):
            form = type(form.__name__, (form,), {"collided": True})
        return form
