"""What editors do in the admin: cite, import with a preview, export what
they filtered, see and restore history, and never lose an edit; what a
Viewer and an anonymous visitor may not do."""

import re

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from ctdb.core.models import Citation, Organisation
from ctdb.core.resources import RESOURCES


def url(model, view, *args):
    return reverse(f"admin:core_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data a browser would send for the change form as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for index, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[f"{formset.prefix}-{index}-{name}"] = str(value)
    return data


def user_in(group_name, username):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


# -- citations ------------------------------------------------------------


def test_wrong_quote_is_refused_with_a_clear_message(admin_client, one_of_each):
    before = Citation.objects.count()
    response = admin_client.post(
        url(Citation, "add"),
        {"article": one_of_each["article"].pk, "quote": "نص لم يرد في المقال", "organisation": one_of_each["isis"].pk},
    )
    assert response.status_code == 200
    assert "does not occur in the article" in response.content.decode()
    assert Citation.objects.count() == before


def test_right_quote_is_saved_with_its_offsets(admin_client, one_of_each):
    article = one_of_each["article"]
    response = admin_client.post(
        url(Citation, "add"),
        {"article": article.pk, "quote": "مقتل 144 شخصاً على الأقل", "attack": one_of_each["attack"].pk},
    )
    assert response.status_code == 302
    citation = Citation.objects.get(quote="مقتل 144 شخصاً على الأقل")
    assert article.text[citation.start : citation.end] == citation.quote


def test_article_page_highlights_cited_passages_and_lists_citing_records(admin_client, one_of_each):
    article = one_of_each["article"]
    page = admin_client.get(url(type(article), "change", article.pk)).content.decode()
    assert "<mark>" in page
    assert url(Organisation, "change", one_of_each["isis"].pk) in page
    assert "Crocus City Hall attack" in page


# -- no lost edits ---------------------------------------------------------


def test_second_save_of_a_stale_form_is_refused(admin_client, one_of_each):
    isis = one_of_each["isis"]
    change = url(Organisation, "change", isis.pk)
    first = form_data(admin_client.get(change))
    second = form_data(admin_client.get(change))

    first["description_en"] = "First editor's description."
    assert admin_client.post(change, first).status_code == 302

    second["description_en"] = "Second editor's description."
    response = admin_client.post(change, second)
    assert response.status_code == 200
    assert "Another editor saved this record after you opened it" in response.content.decode()
    isis.refresh_from_db()
    assert isis.description_en == "First editor's description."


# -- history ---------------------------------------------------------------


def test_changes_are_recorded_with_their_author_and_can_be_restored(admin_client, admin_user, one_of_each):
    isis = one_of_each["isis"]
    change = url(Organisation, "change", isis.pk)
    data = form_data(admin_client.get(change))
    data["name_en"] = "ISIS"
    assert admin_client.post(change, data).status_code == 302

    latest = isis.history.first()
    assert latest.name_en == "ISIS"
    assert latest.history_user == admin_user
    history_page = admin_client.get(url(Organisation, "history", isis.pk)).content.decode()
    assert "ISIS" in history_page and "Islamic State" in history_page  # the change, old and new

    original = isis.history.filter(name_en="Islamic State").order_by("history_date").first()
    revert = reverse("admin:core_organisation_simple_history", args=[isis.pk, original.history_id])
    restore = form_data(admin_client.get(revert))
    assert admin_client.post(revert, restore).status_code == 302
    isis.refresh_from_db()
    assert isis.name_en == "Islamic State"


# -- import and export -----------------------------------------------------


def csv_upload(rows):
    header = "slug,name_ar,name_en,kind,country\n"
    return SimpleUploadedFile("organisations.csv", (header + "\n".join(rows) + "\n").encode(), "text/csv")


def test_import_preview_lists_new_updated_unchanged_and_failing_rows(admin_client, one_of_each):
    isis = one_of_each["isis"]
    rows = [
        "jabhat-al-nusra,جبهة النصرة,al-Nusra Front,militant_group,SY",  # new
        f"{isis.slug},{isis.name_ar},Islamic State (IS),militant_group,",  # updated
        "russia,روسيا,Russia,state,RU",  # unchanged
        "bad-row,خطأ,Bad row,not-a-kind,ZZ",  # failing
    ]
    before = Organisation.objects.count()
    response = admin_client.post(
        url(Organisation, "import"), {"resource": "0", "format": "0", "import_file": csv_upload(rows)}, follow=True
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert [row.number for row in invalid] == [4]
    assert "kind" in invalid[0].field_specific_errors
    page = response.content.decode()
    assert "not-a-kind" in page
    assert Organisation.objects.count() == before  # a preview changes nothing


def test_confirmed_import_applies_and_records_history(admin_client, admin_user, one_of_each):
    rows = ["jabhat-al-nusra,جبهة النصرة,al-Nusra Front,militant_group,SY", "russia,روسيا,Russian Federation,state,RU"]
    preview = admin_client.post(
        url(Organisation, "import"), {"resource": "0", "format": "0", "import_file": csv_upload(rows)}, follow=True
    )
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "update"]
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = admin_client.post(url(Organisation, "process_import"), data)
    assert response.status_code == 302
    nusra = Organisation.objects.get(slug="jabhat-al-nusra")
    assert nusra.name_ar == "جبهة النصرة" and nusra.country == "SY"
    assert Organisation.objects.get(slug="russia").name_en == "Russian Federation"
    assert nusra.history.first().history_user == admin_user


def test_import_is_all_or_nothing(one_of_each):
    dataset = tablib.Dataset(headers=["slug", "name_ar", "name_en", "kind", "country"])
    dataset.append(["good-one", "جيد", "Good", "militant_group", ""])
    dataset.append(["bad-one", "سيئ", "Bad", "militant_group", "", ""][:5])
    dataset.append(["neg", "", "", "militant_group", ""])  # no name: refused by the database
    before = Organisation.objects.count()
    result = RESOURCES[Organisation]().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_errors() or result.has_validation_errors()
    assert Organisation.objects.count() == before


def test_import_names_related_records_by_slug(one_of_each):
    from ctdb.core.models import OrganisationRelationship

    dataset = tablib.Dataset(headers=["slug", "subject", "kind", "object"])
    dataset.append(["", "russia", "rival", "ukraine"])
    result = RESOURCES[OrganisationRelationship]().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    made = OrganisationRelationship.objects.get(subject__slug="russia", kind="rival")
    assert made.object.slug == "ukraine"
    exported = RESOURCES[OrganisationRelationship]().export()
    assert "russia" in exported.csv and str(made.subject_id) not in exported.dict[0]["subject_slug"]


def test_export_follows_changelist_filters(admin_user, one_of_each):
    model_admin = admin.site._registry[Organisation]
    request = RequestFactory().get(url(Organisation, "export"), {"kind__exact": "state"})
    request.user = admin_user
    queryset = model_admin.get_export_queryset(request)
    assert set(queryset.values_list("kind", flat=True)) == {"state"}
    request = RequestFactory().get(url(Organisation, "export"), {"q": "داعش"})
    request.user = admin_user
    assert list(model_admin.get_export_queryset(request).values_list("slug", flat=True)) == ["islamic-state"]


def test_export_neutralises_formulae(one_of_each):
    Organisation.objects.filter(slug="russia").update(description_en='=HYPERLINK("http://x")')
    from import_export.formats.base_formats import CSV

    model_admin = admin.site._registry[Organisation]
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", password="pw")
    data = model_admin.get_export_data(CSV(), request, Organisation.objects.filter(slug="russia"))
    assert "=HYPERLINK" not in re.sub(r"'=HYPERLINK", "", data)


# -- roles -----------------------------------------------------------------


@pytest.mark.parametrize("view", ["changelist", "export"])
def test_viewer_can_view_and_export(client, one_of_each, view):
    client.force_login(user_in("Viewer", "viewer"))
    assert client.get(url(Organisation, view)).status_code == 200


def test_viewer_can_neither_change_nor_import(client, one_of_each):
    client.force_login(user_in("Viewer", "viewer"))
    isis = one_of_each["isis"]
    assert client.get(url(Organisation, "import")).status_code == 403
    assert client.get(url(Organisation, "add")).status_code == 403
    response = client.post(url(Organisation, "change", isis.pk), {"name_en": "Changed", "kind": "state"})
    assert response.status_code == 403
    isis.refresh_from_db()
    assert isis.name_en == "Islamic State"
    rows = ["new-org,منظمة,New,militant_group,"]
    response = client.post(
        url(Organisation, "import"), {"resource": "0", "format": "0", "import_file": csv_upload(rows)}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="new-org").exists()


def test_editor_can_change_and_import_but_not_delete(client, one_of_each):
    client.force_login(user_in("Editor", "editor"))
    isis = one_of_each["isis"]
    assert client.get(url(Organisation, "import")).status_code == 200
    assert client.get(url(Organisation, "change", isis.pk)).status_code == 200
    assert client.get(url(Organisation, "delete", isis.pk)).status_code == 403


@pytest.mark.parametrize("view", ["changelist", "add", "import", "export"])
def test_anonymous_sees_nothing(client, one_of_each, view):
    response = client.get(url(Organisation, view))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
