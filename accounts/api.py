"""The base of the sign-up and token endpoints, here and in `partners` (see `core.api`)."""

from core.api import PublicEndpoint
from core.throttling import AuthThrottle


class AuthEndpoint(PublicEndpoint):
    """Base of the sign-up and token endpoints: no authentication, throttled per client IP."""

    # (The docstring is also the description drf-spectacular gives every operation of a view
    # without its own: `THROTTLE_AUTH`; a 401 names the Bearer scheme.)
    throttle_classes = [AuthThrottle]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
