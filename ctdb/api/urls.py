"""The API: version 1 of the resources, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
# `?format=csv` selects the format; no `.csv` suffix routes beside it.
router.include_format_suffixes = False
router.register("articles", views.ArticleViewSet, basename="article")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("attacks", views.AttackViewSet, basename="attack")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("attributions", views.AttributionViewSet, basename="attribution")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
router.register("agreement-parties", views.AgreementPartyViewSet, basename="agreement-party")
router.register("affiliations", views.AffiliationViewSet, basename="affiliation")
router.register("citations", views.CitationViewSet, basename="citation")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
