"""Headers every answer of the paste site gets, whichever view made it.

- HTML pages get the site's one Content-Security-Policy (``sitewide``): scripts from the
  site only (the templates have no inline script and no ``on*=`` handler), forms posting to
  this site and its sibling apps, framed by no one. Answers that set their own (raw's
  sandbox) keep it.
- Over https, every cookie is ``Secure`` (session, CSRF, messages, the style cookie),
  whatever ``SECURE_COOKIES`` says; ``SECURE_COOKIES`` (on by default outside DEBUG)
  makes them Secure over plain http too.

Outermost in ``MIDDLEWARE``, so that it sees the cookies every other middleware sets.
"""

from apps import sitewide


class SiteHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = sitewide.content_security_policy(
                form_targets=sitewide.form_origins()
            )
        if request.is_secure():
            for cookie in response.cookies.values():
                cookie["secure"] = True
        return response
