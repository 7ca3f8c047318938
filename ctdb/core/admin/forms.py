"""Admin forms: no edit silently overwrites another editor's."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OptimisticLockForm(forms.ModelForm):
    """Refuse a save when the record changed since this form was opened.

    The form carries the record's `updated_at` as it was when rendered; if the
    database holds a newer one, another editor saved in between, and saving
    now would silently undo their work.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # The stored version, not the instance's: a history page edits an
            # older copy of the record, and restoring it must not look stale.
            self.fields["loaded_version"].initial = self.stored_version()

    def stored_version(self):
        stored = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
        return stored.isoformat() if stored else ""

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded:
            current = self.stored_version()
            if current and current != loaded:
                raise forms.ValidationError(
                    _(
                        "Another editor saved this record after you opened it. Your changes were not saved: "
                        "open the record again to see theirs, then make yours."
                    ),
                    code="stale",
                )
        return cleaned
