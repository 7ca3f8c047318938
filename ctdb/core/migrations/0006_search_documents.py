"""Every record's search text becomes its search document
(`ctdb.core.search.document`): names, stems and spelling-free keys, and, for
attacks and agreements, their place, country, perpetrators' and parties'
names. Citations get one too, of their quote and translation."""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    # The documents are derived data, built by the current code with the
    # current models. Should those models have moved on from this migration's
    # tables (a database migrated long after), `manage.py reindex_search`
    # builds them once migrate is done.
    from django.apps import apps as live

    from ctdb.core.search import reindex_all

    def columns(model):
        return {field.column for field in model._meta.concrete_fields}

    current = all(
        columns(model) == columns(apps.get_model("core", model.__name__))
        for model in live.get_app_config("core").get_models()
        if model._meta.managed
    )
    if current:
        reindex_all(using=schema_editor.connection.alias)
    else:
        print("\n  The search documents were not rebuilt: run `manage.py reindex_search` after migrate.")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_alias_provenance")]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
