"""Authentication backends: django-axes's lockout check, in front of Django's password check."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a user name locked out from the visitor's address (settings: ``AXES_*``); logs no one in.

    Every login from the web passes its request to ``authenticate`` (the site's and the admin's
    login pages), and that is where passwords are guessed. Only code calls it without one —
    the test client's ``login()``, a shell — and then there is no address to lock out: the call
    goes on to the password check, where axes's own backend would raise instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
