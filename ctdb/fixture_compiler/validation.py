"""Check a compiled record through its own model.

The compiler does not restate the models' rules (vocabularies, partial
dates, countries, names, date order, casualty figures, who accused whom):
it builds each record as an unsaved instance and calls `full_clean()`, then
words the model's `ValidationError`s as the compiler's messages, under the
key the source file writes (`killed`, not `killed_high`).

No database is needed, so a build runs anywhere: records another record
points to are stand-ins with a made-up id (the same slug, the same id, so a
link from an attack to itself is still seen), foreign keys are left to the
compiler's own reference check, and uniqueness and the database constraints
are not queried (the compiler checks duplicates itself, and the models'
`clean()` checks in Python what their check constraints say).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django_countries.fields import CountryField

from ctdb.core.partial_dates import PartialDateField


class Checker:
    """Runs the models' validation over compiled fixture rows."""

    def __init__(self):
        self.ids = {}  # (model, slug) -> the made-up id of its stand-in

    def stand_in(self, model, slug):
        """An unsaved `model` with `slug`, and an id only it has."""
        number = self.ids.setdefault((model, slug), len(self.ids) + 1)
        return model(pk=number, slug=slug)

    def problems(self, model, fields, key_of=lambda name: name):
        """What `model`'s validation says of a row of compiled `fields`
        (foreign keys as natural keys), each problem worded for a source file."""
        values, relations, found = {}, {}, []
        for column in model._meta.concrete_fields:
            if column.name not in fields:
                continue
            value = fields[column.name]
            if column.is_relation:
                relations[column.name] = value and self.stand_in(column.related_model, value[0])
            elif isinstance(column, PartialDateField) and value is not None and not isinstance(value, str):
                # A YAML date or number would be coerced to text: it must be written as a quoted string.
                found += self.worded(model, fields, key_of, run(column, value))
            else:
                values[column.name] = value
        instance = model(**values, **{name: value for name, value in relations.items() if value is not None})
        try:
            instance.full_clean(exclude=list(relations), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            found += self.worded(model, fields, key_of, error)
        return found

    def worded(self, model, fields, key_of, error):
        with translation.override("en"):
            return [
                wording(model, fields, key_of, name, item) for name, items in error.error_dict.items() for item in items
            ]


def run(column, value):
    """What a partial date field's own validator says of a raw value, before
    `to_python` turns it into text (its length check would fail on a number)."""
    try:
        for validator in PartialDateField.default_validators:
            validator(value)
    except ValidationError as error:
        return ValidationError({column.name: error.error_list})
    return ValidationError({})


def vocabulary(column):
    return ", ".join(str(value) for value, _label in column.flatchoices)


def wording(model, fields, key_of, name, item):
    """One model error as the compiler says it: `<key> ...: <the model's reason>`."""
    (text,) = list(item)
    if name == NON_FIELD_ERRORS:
        return text
    column = model._meta.get_field(name)
    key = key_of(name)
    value = fields.get(name)
    if key != name and name.endswith(("_low", "_high")):
        low, high = fields.get(f"{key}_low"), fields.get(f"{key}_high")
        if name.endswith("_high") and low is not None and high is not None and low > high:
            return f"{key}: low {low} is above high {high}"
        return f"{key}: {name.rsplit('_', 1)[1]} {value!r}: {text}"
    if item.code == "invalid_partial_date":
        return f"invalid date in {key}: {text}"
    if item.code == "invalid_choice":
        if isinstance(column, CountryField):
            return f"{key} {value!r} is not an ISO 3166 country code"
        return f"{key} {value!r} is not one of {vocabulary(column)}"
    if item.code in ("blank", "null"):
        return f"{key} is required ({vocabulary(column)})" if column.choices else f"{key} is required"
    if value in (None, "", []):
        return f"{key} is required: {text}"
    return f"{key}: {text}"
