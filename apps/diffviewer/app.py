"""HTTP for the diff viewer: routes to handlers, handlers to core calls and templates.

    GET  /                 the form                    POST /  the diff page
    GET  /compare          diff two fetched references (?left=&right=, options; format=patch)
    POST /save             keep the form's texts as two snippets, then 303 to their /compare
    POST /api/diff         JSON or form fields → the diff as JSON (format=patch: the patch)
    POST /api/diff.patch   the same fields → text/x-diff
    GET  /review           a patch's review page: the form, or ?patch=<ref> (as /compare fetches)
    POST /review           the review page of a pasted or uploaded patch
    POST /api/patch        a patch (body, JSON, form field or upload) read as JSON: files, hunks
    GET  /_health          {"status": "ok"}

Pages answer errors with an HTML page, the API with ``{"error": {"code", "message"}}``.
The diffing itself runs in killable processes (``work``), bounded in time and output size.
A request for a host the site does not answer to is refused (400); redirects are relative.
"""

import json
import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from apps import errorcodes, sitewide, textinput
from apps.diffviewer import diffpage, forms, hosts, inputs, languages, refs, reviewing, saving, settings, work
from apps.diffviewer.inputs import InputError
from apps.diffviewer.templating import Templates

log = logging.getLogger(__name__)

HTML_HEADERS = {"X-Content-Type-Options": "nosniff"}  # and the site's CSP, see DiffViewer.page
ERROR_TITLES = {
    403: "Not allowed", 404: "Not found", 405: "Method not allowed", 409: "Cannot compare", 413: "Too large",
    422: "Took too long", 429: "Too many requests", 500: "Something went wrong", 502: "Not saved", 503: "Busy",
}
OUTPUTS = ("html", "patch")  # /compare's format
MAX_FORM_PARTS = 64


class DiffViewer:
    url_map = Map(
        [
            Rule("/", endpoint="index", methods=["GET", "POST"]),
            Rule("/compare", endpoint="compare", methods=["GET"]),
            Rule("/save", endpoint="save", methods=["POST"]),
            Rule("/api/diff", endpoint="api_diff", methods=["POST"]),
            Rule("/api/diff.patch", endpoint="api_patch", methods=["POST"]),
            Rule("/review", endpoint="review", methods=["GET", "POST"]),
            Rule("/api/patch", endpoint="api_read_patch", methods=["POST"]),
            Rule("/_health", endpoint="health", methods=["GET"]),
            Rule("/favicon.ico", endpoint="favicon", methods=["GET"]),
        ]
    )

    def __init__(self, config=None):
        self.settings = settings.load(config)
        sitewide.check_environment()
        self.templates = Templates(auto_reload=self.settings.DEBUG)
        self.hosts = hosts.allowed(self.settings.DEBUG)
        self.csp = sitewide.content_security_policy(form_targets=sitewide.form_origins())

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ, start_response):
        try:
            request = Request(environ)
            if not hosts.trusted(request.host, self.hosts):
                return bad_host(request)(environ, start_response)
            request.max_content_length = self.settings.max_body_bytes
            request.max_form_memory_size = self.settings.max_body_bytes
            response = self.dispatch(request)
        except Exception:  # dispatch answers every failure; this is for failing to answer one
            log.exception("diff viewer failed to answer %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            response = last_resort(environ.get("PATH_INFO", "").startswith("/api/"))
        return response(environ, start_response)

    def dispatch(self, request):
        urls = self.url_map.bind_to_environ(request.environ)
        api = request.path.startswith("/api/")
        try:
            endpoint, values = urls.match()
            return getattr(self, f"on_{endpoint}")(request, urls, **values)
        except RequestRedirect as redirect:  # e.g. //compare -> /compare: never to another host
            parts = urlsplit(redirect.new_url)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
            return Response(status=redirect.code, headers={"Location": location})
        except InputError as error:
            response = self.error(urls, api, error.status, error.code, error.message, error.shown)
            if error.status == 503:
                response.headers["Retry-After"] = "1"
            return response
        except HTTPException as error:
            response = self.error(urls, api, error.code, errorcodes.for_status(error.code), error.description)
            if error.code == 405:
                response.headers["Allow"] = ", ".join(error.valid_methods or ())
            return response
        except Exception:
            log.exception("diff viewer failed on %s %s", request.method, request.path)
            return self.error(urls, api, 500, "internal_error", InternalServerError.description)

    def error(self, urls, api, status, code, message, shown=()):
        if api:
            return json_error(status, code, message)
        title = ERROR_TITLES.get(status, "Cannot compare")
        return self.page("error.html", status=status, urls=urls, title=title, message=message, code=code, shown=shown)

    def page(self, name, status=200, **context):
        response = self.templates.response(name, status=status, **context)
        response.headers.update(HTML_HEADERS)
        response.headers["Content-Security-Policy"] = self.csp
        return response

    # ---- pages ----

    def on_favicon(self, request, urls):
        """Alone, a downloaded .patch or a JSON answer makes browsers ask for this."""
        status, headers = sitewide.favicon_answer()
        return Response(status=status, headers=headers)

    def on_index(self, request, urls):
        if request.method == "POST":
            inp, _ = self.form_input(request, textarea=True)
            return self.diff_page(request, urls, inp)
        return self.page("index.html", urls=urls, inp=inputs.DiffInput(), languages=self.languages(request))

    def on_compare(self, request, urls):
        args = request.args
        if refs.FETCH_HEADER in request.headers:
            raise InputError("refused", "A compare page cannot fetch another compare page.")
        # Every parameter is checked before anything is fetched: a fetch has effects elsewhere
        # (a request the paste site serves), so a request that will fail must not make one.
        output = args.get("format") or "html"
        if output not in OUTPUTS:
            raise InputError("unknown_format", "format must be html or patch.")
        co_mounted = request.environ.get(sitewide.IN_PROCESS_CLIENT) is not None
        origins = self.settings.DIFF_ALLOWED_ORIGINS
        left_ref = refs.check_ref("left", args.get("left", ""), origins, co_mounted)
        right_ref = refs.check_ref("right", args.get("right", ""), origins, co_mounted)
        for side, ref in (("left", left_ref), ("right", right_ref)):
            if ref.in_process and urlsplit(ref.url).path.startswith(request.script_root + "/compare"):
                raise refs.refused(side, "a compare page cannot fetch another compare page.", ref.given)
        checked = inputs.from_fields({
            "left_name": args.get("left_name", ""),
            "right_name": args.get("right_name", ""),
            **{name: args[name] for name in inputs.OPTION_FIELDS if name in args},
        }, self.settings.DIFF_MAX_BYTES)
        left = refs.fetch("left", left_ref, self.settings, request.environ)
        right = refs.fetch("right", right_ref, self.settings, request.environ)
        # A name given in the link wins; else the file name the answer gave.
        inp = replace(
            checked,
            left=left.text,
            right=right.text,
            left_name=checked.left_name or left.file_name,
            right_name=checked.right_name or right.file_name,
        )
        if output == "patch":
            return self.patch_response(inp)
        query = {key: value for key, value in args.items() if key != "format"}
        links = {
            "patch": urls.build("compare", {**query, "format": "patch"}),
            "unified": urls.build("compare", {**query, "view": "unified"}),
            "side-by-side": urls.build("compare", {**query, "view": "side-by-side"}),
        }
        sides = (heading_side(left_ref, left, checked.left_name), heading_side(right_ref, right, checked.right_name))
        return self.diff_page(request, urls, inp, sides=sides, links=links)

    def diff_page(self, request, urls, inp, sides=None, links=None, status=200, notice=None):
        page = diffpage.build(inp, self.settings, request.environ)
        can_save = sides is None and inp.left.strip() and inp.right.strip() and self.can_save(request)
        save_url = urls.build("save") if can_save else None
        return self.page("diff.html", status=status, urls=urls, inp=inp, page=page, sides=sides, links=links,
                         save_url=save_url, notice=notice,
                         languages=self.languages(request) if sides is None else ())  # /compare shows no form

    def languages(self, request):
        """The form's language menu: the highlighter's lexers, as the paste site offers them."""
        return languages.menu(request.environ, self.settings.DIFF_HIGHLIGHT_TIMEOUT)

    def can_save(self, request):
        return saving.available(request.environ, self.settings.DIFF_ALLOWED_ORIGINS)

    def on_save(self, request, urls):
        """Keep the form's texts as two snippets on the paste site, then 303 to their compare page.

        Refused when a browser says another site sent it (as the paste site refuses such writes).
        When the paste site does not keep them, the diff page again, saying why: the texts stay
        in its form.
        """
        sender = saving.foreign_sender(request.headers, f"{request.scheme}://{request.host}")
        if sender is not None:
            raise InputError("cross_site", f"Refused: this Save was sent by a page on another site ({sender}). "
                             "Save from this site's own diff page.", status=403)
        if not self.can_save(request):
            raise InputError("not_found", "No paste site is configured to keep diffs here.", status=404)
        inp, _ = self.form_input(request, textarea=True)
        left_name, right_name = inp.left_name or inp.right_name, inp.right_name or inp.left_name  # one file, changed
        try:
            left, right = saving.save((inp.left, left_name), (inp.right, right_name), request.environ)
        except saving.NotSaved as failure:
            return self.diff_page(request, urls, inp, status=failure.status, notice=failure.message)
        return Response(status=303, headers={"Location": urls.build("compare", compare_query(left, right, inp))})

    def on_review(self, request, urls):
        """The review form, or the review page of a posted patch or one fetched by reference."""
        max_bytes, links, ref, text, named = self.settings.DIFF_MAX_BYTES, None, None, None, None
        if request.method == "POST":
            text, fields = reviewing.form_text(request, max_bytes, MAX_FORM_PARTS, textarea=True)
            view = reviewing.view_of(fields.get("view"))
        elif "patch" in request.args:
            if refs.FETCH_HEADER in request.headers:
                raise InputError("refused", "A review page cannot fetch another page of the diff viewer.")
            view = reviewing.view_of(request.args.get("view"))
            co_mounted = request.environ.get(sitewide.IN_PROCESS_CLIENT) is not None
            ref = refs.check_ref("patch", request.args["patch"], self.settings.DIFF_ALLOWED_ORIGINS, co_mounted)
            if ref.in_process and urlsplit(ref.url).path.startswith((request.script_root + "/review",
                                                                      request.script_root + "/compare")):
                raise refs.refused("patch", "a review page cannot fetch a page of the diff viewer.", ref.given)
            fetched = refs.fetch("patch", ref, self.settings, request.environ)
            text = reviewing.checked(getattr(fetched, "text", fetched), max_bytes, "the fetched text")
            links = {v: urls.build("review", {"patch": ref.given, "view": v}) for v in inputs.VIEWS}
            named = reviewing.named(fetched)
        else:
            return self.page("review_form.html", urls=urls)
        review = reviewing.build(text, view, self.settings, request.environ)
        return self.page("review.html", urls=urls, review=review, text=text, ref=ref, links=links, named=named)

    # ---- API ----

    def on_api_diff(self, request, urls):
        inp, output = self.api_input(request)
        if output == "patch":
            return self.patch_response(inp)
        return Response(work.diff_json(inp, self.settings), mimetype="application/json")

    def on_api_patch(self, request, urls):
        inp, _ = self.api_input(request)
        return self.patch_response(inp)

    def on_api_read_patch(self, request, urls):
        text = reviewing.api_text(request, self.settings.DIFF_MAX_BYTES, MAX_FORM_PARTS)
        return Response(work.patch_files(text, self.settings), mimetype="application/json")

    def api_input(self, request):
        """A DiffInput and the output format (json or patch) from a JSON or form body."""
        if request.mimetype == "application/json":
            try:
                fields = json.loads(textinput.decode(request.get_data(cache=False), "the body"))
            except textinput.TextRefused as refused:
                raise inputs.refused_text(refused) from None
            except ValueError:
                raise InputError("bad_request", "The body is not valid JSON (UTF-8).") from None
            except RecursionError:
                raise InputError("bad_request", "The body nests arrays or objects too deeply.") from None
            if not isinstance(fields, dict):
                raise InputError("bad_request", "The body must be a JSON object.")
            unknown = sorted(set(fields) - set(inputs.API_FIELDS))
            if unknown:
                raise InputError("bad_request", f"Unknown field {unknown[0][:40]!r}. Fields: {', '.join(inputs.API_FIELDS)}.")
            inp = inputs.from_fields(fields, self.settings.DIFF_MAX_BYTES)
        else:
            inp, fields = self.form_input(request)
        output = fields.get("format") or request.args.get("format") or "json"
        if output not in ("json", "patch"):
            raise InputError("unknown_format", "format must be json or patch.")
        return inp, output

    def form_input(self, request, textarea=False):
        """A DiffInput and the fields of a form; a chosen file wins over its side's text box.

        A file sent under the side's own name (``curl -F left=@old.txt``) counts as an upload.
        ``textarea``: the texts come from the page's text boxes, whose line breaks the browser
        turned into CRLF (``textinput.from_textarea``).
        """
        fields, uploads = forms.parse(request, max_parts=MAX_FORM_PARTS)
        for side in ("left", "right"):
            if textarea and side in fields:
                fields[side] = textinput.from_textarea(fields[side])
            name = f"{side}_file" if uploads.get(f"{side}_file") else side
            upload = uploads.get(name)
            if upload is not None and upload.filename:
                fields[side] = inputs.decode_upload(side, upload.data, self.settings.DIFF_MAX_BYTES, name)
                if not fields.get(f"{side}_name"):
                    fields[f"{side}_name"] = inputs.base_name(upload.filename)  # a browser's file name: its last part
        return inputs.from_fields(fields, self.settings.DIFF_MAX_BYTES), fields

    def patch_response(self, inp):
        response = Response(work.patch(inp, self.settings), mimetype="text/x-diff")
        response.headers["Content-Disposition"] = f'attachment; filename="{patch_filename(inp)}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def on_health(self, request, urls):
        return Response('{"status": "ok"}', mimetype="application/json")


def bad_host(request):
    """400 for a Host the site does not answer to: JSON for the API, else plain text."""
    message = hosts.refusal(request.host)
    if request.path.startswith("/api/"):
        response = json_error(400, "bad_host", message)
    else:
        response = Response(message + "\n", status=400, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def json_error(status, code, message):
    body = json.dumps(errorcodes.error_body(code, message))
    return Response(body, status=status, mimetype="application/json")


def last_resort(api):
    """A 500 built from constants, for when even the error answer failed."""
    if api:
        body = json.dumps({"error": {"code": "internal_error", "message": InternalServerError.description}})
        return Response(body, status=500, mimetype="application/json")
    body = "<!DOCTYPE html>\n<title>Something went wrong</title>\n<h1>Something went wrong</h1>\n<p>{}</p>\n"
    response = Response(body.format(InternalServerError.description), status=500, mimetype="text/html")
    response.headers.update(HTML_HEADERS)
    response.headers["Content-Security-Policy"] = sitewide.content_security_policy()
    return response


def compare_query(left, right, inp):
    """The ``/compare`` parameters for two references and ``inp``'s options that are not the defaults."""
    opts, query = inp.options, {"left": left, "right": right}
    if opts.context != inputs.DEFAULT_CONTEXT:
        query["context"] = "all" if opts.context is None else str(opts.context)
    if opts.whitespace:
        query["whitespace"] = opts.whitespace
    if opts.ignore_blank_lines:
        query["ignore_blank_lines"] = "on"
    if not opts.word_diff:
        query["word_diff"] = "off"
    if not opts.moved:
        query["moved"] = "off"
    if inp.view != inputs.VIEWS[0]:
        query["view"] = inp.view
    if inp.lexer:
        query["lexer"] = inp.lexer
    return query


def heading_side(ref, fetched, given_name):
    """How the compare page's heading shows one side: ``(label, href)``.

    The label is what the answer calls its text (the paste site: the snippet's title, else its
    file name, else its id), else the name in the link, else the file name, else the reference
    itself; the link is the page that shows the text when the answer named one, else the
    reference. Both are checked in ``refs``: the label is text, the link on the fetched origin.
    """
    label = fetched.title or given_name or fetched.file_name or refs.shown_text(ref.given)
    return label, (fetched.page or ref).href


def patch_filename(inp):
    """``app.py.patch`` for one file, ``old.py_new.py.patch`` for two names, else ``diff.patch``."""
    names = [safe_file_name(name) for name in (inp.left_name, inp.right_name)]
    names = [name for name in dict.fromkeys(names) if name]
    return f"{'_'.join(names) or 'diff'}.patch"


def safe_file_name(name):
    """A name's last path part as a download file name: letters, digits, ``._-`` only."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:80]
