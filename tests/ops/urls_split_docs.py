"""ctdb's URLs with the API docs served by SpectacularSwaggerSplitView, whose
start-up script is a separate file that script-src 'self' allows."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from ctdb.urls import handler500  # noqa: F401
from ctdb.urls import urlpatterns as ctdb_urlpatterns

urlpatterns = [
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    *ctdb_urlpatterns,
]
