"""HTTP for the diff viewer: routes to handlers, handlers to core calls and templates."""

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from apps.diffviewer import core
from apps.diffviewer.templating import Templates


class DiffViewer:
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            Rule("/_health", endpoint="health"),
        ]
    )

    def __init__(self, config=None):
        self.config = dict(config or {})
        self.templates = Templates(auto_reload=self.config.get("debug", False))

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
            return getattr(self, f"on_{endpoint}")(request, **values)
        except HTTPException as error:
            return error

    def on_index(self, request):
        urls = self.url_map.bind_to_environ(request.environ)
        if request.method == "POST":
            left = request.form.get("left", "")
            right = request.form.get("right", "")
            diff = core.diff_texts(left, right, core.DiffOptions())
            return self.templates.response("diff.html", urls=urls, diff=diff)
        return self.templates.response("index.html", urls=urls)

    def on_health(self, request):
        return Response('{"status": "ok"}', mimetype="application/json")
