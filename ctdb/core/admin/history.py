"""Reverting from the history page is a change, and needs change permission.

django-simple-history's `history_form_view` (the page of one past version,
whose form saves that version as the current one) lets in anyone who may
view the history, and only hides the revert button from them: a Viewer who
posts the form writes the record. Here the page itself, shown or posted,
needs the right to change the record; the history list stays open to
everyone who may view it, but links its versions (and offers to revert) only
for those who may open them, so that a Viewer is not sent to a 403.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied


class RevertNeedsChangePermissionMixin:
    """Put before SimpleHistoryAdmin in the bases of a ModelAdmin."""

    def history_view(self, request, object_id, extra_context=None):
        may_revert = self.may_revert(request, object_id)
        context = {"may_revert": may_revert}
        if not may_revert:
            context["revert_disabled"] = True  # hides "Choose a date ... to revert"
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.may_revert(request, object_id):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request, object_id):
        """Whether the user may change this record (or, if it no longer
        exists, add it back): what saving a past version does."""
        if not self.has_change_permission(request):
            return False
        current = self.get_object(request, unquote(object_id))
        if current is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, current)
