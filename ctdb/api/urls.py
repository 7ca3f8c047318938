"""The API: version 1 of the resources, the OpenAPI schema and its docs.

The routes are the `ROUTES` of every domain's `api.py`
(`ctdb.core.domains.domain_modules("api")`): (URL prefix, viewset, basename).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ctdb.core.domains import domain_modules
from ctdb.core.registry import extended

from .search import SearchView

# The order /api/v1/ has listed its routes in since it was published. It
# follows no rule the routes could be sorted by (each domain's record first,
# in domain order, then the link records in an order of their own), so it is
# kept as it was. A route not named here is placed by its model's foreign
# keys (`registry.extended`): before the first listed route whose model
# references it (a new citable record comes before citations), else last.
PUBLISHED_ORDER = (
    "articles",
    "organisations",
    "actors",
    "attacks",
    "agreements",
    "attributions",
    "relationships",
    "agreement-parties",
    "affiliations",
    "citations",
)


def routes():
    """Every domain's routes, in the order /api/v1/ lists them."""
    found = [route for module in domain_modules("api") for route in module.ROUTES]
    model = {prefix: viewset.queryset.model for prefix, viewset, _basename in found}
    order = extended([model[prefix] for prefix in PUBLISHED_ORDER if prefix in model])
    return sorted(found, key=lambda route: order.index(model[route[0]]))


router = DefaultRouter()
# `?format=csv` selects the format; no `.csv` suffix routes beside it.
router.include_format_suffixes = False
for prefix, viewset, basename in routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/search/", SearchView.as_view(), name="search"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
