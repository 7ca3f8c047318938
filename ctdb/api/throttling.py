"""Rate limits for anonymous clients."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, reading its rate when a request comes in.

    DRF binds the rates when the module is imported; reading them late lets
    a changed setting (a test, a reloaded configuration) take effect.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
