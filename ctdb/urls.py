"""ctdb URLs: the admin, the read-only API and its documentation."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ctdb.core.admin.search import search_view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/search/", admin.site.admin_view(search_view), name="admin-search"),
    path("admin/", admin.site.urls),
    path("api/", include("ctdb.api.urls")),
]

# A database outage answers 503 with Retry-After (JSON under /api/), not a bare 500.
handler500 = "ctdb.ops.errors.server_error"
