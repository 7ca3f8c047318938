"""Every admin changelist, add and change page answers a staff user and
turns an anonymous one away."""

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "core"), key=lambda m: m._meta.model_name
)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_pages_answer_staff(admin_client, one_of_each, model):
    instance = model.objects.order_by("pk").first()
    assert instance is not None, f"one_of_each makes no {model.__name__}"
    for page in (url(model, "changelist"), url(model, "add"), url(model, "change", instance.pk)):
        response = admin_client.get(page)
        assert response.status_code == 200, page
    history = admin_client.get(url(model, "history", instance.pk))
    assert history.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_pages_redirect_anonymous(client, one_of_each, model):
    instance = model.objects.order_by("pk").first()
    for page in (url(model, "changelist"), url(model, "add"), url(model, "change", instance.pk)):
        response = client.get(page)
        assert response.status_code == 302, page
        assert reverse("admin:login") in response["Location"]


def test_every_core_model_is_registered():
    from django.apps import apps

    registered = set(MODELS)
    for model in apps.get_app_config("core").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert model in registered, model


@pytest.mark.parametrize(
    ("query", "found"),
    [("الدولة الاسلامية", "Islamic State"), ("داعش", "Islamic State"), ("روسيا", "Russia")],
)
def test_changelist_search_folds_arabic(admin_client, one_of_each, query, found):
    from ctdb.core.models import Organisation

    response = admin_client.get(url(Organisation, "changelist"), {"q": query})
    assert response.status_code == 200
    names = [str(obj) for obj in response.context["cl"].result_list]
    assert found in names
    assert len(names) == 1
