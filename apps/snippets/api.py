"""The curl API: create, read, relabel and delete snippets without a browser.

``curl -F 'content=<-' SITE/api/snippets`` and friends; ``PATCH /api/snippets/<id>`` with
the delete token sets its language (``{"lexer": "go"}``); ``POST /api/snippets/<id>/report``
reports one to the site's admins. Token-based and CSRF-exempt (no
cookies are read or set); errors are ``{"error": {"code", "message"}}`` like the
highlighter's, and so is any failure under ``/api/`` (``errors``). Text fields
are read as every app reads text (``apps.textinput``, through ``formdata``), not with Django's
lenient decoding, which would silently turn bad bytes into U+FFFD.
"""

import json

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from apps import errorcodes, textinput
from apps.snippets import creation, formdata, intake, lookup, rawfiles, relabel, reports, revisions
from apps.snippets.models import Snippet

TEXT_FIELDS = ("title", "filename", "lexer", "expires", "burn")


def json_api(view):
    """Mark a view as answering JSON (the site's middleware answers it in JSON too)."""
    view.answers_json = True
    return view


def answers_json(view):
    return getattr(view, "answers_json", False)


def error(code, message, status):
    return JsonResponse(errorcodes.error_body(code, message), status=status)


@json_api
@csrf_exempt
def snippets(request):
    if request.method != "POST":
        response = error("method_not_allowed", "POST a snippet here.", 405)
        response["Allow"] = "POST"
        return response
    try:
        fields = submitted(request)
        uploads = checked_uploads(fields, request.META)
        intake.check_expiry(fields.get("expires"))
        snippet, token = creation.create_snippet(
            request.META,
            files=uploads,
            title=intake.check_title(fields.get("title", "")),
            expiry=fields.get("expires"),
            burn=fields.get("burn", False),
        )
    except intake.Refused as refused:
        return error(refused.code, refused.message, refused.status)
    url = request.build_absolute_uri(snippet.get_absolute_url())
    if request.get_preferred_type(["application/json", "text/plain"]) == "text/plain":
        response = HttpResponse(url + "\n", content_type="text/plain; charset=utf-8", status=201)
    else:
        response = JsonResponse(
            {
                "id": snippet.pk,
                "url": url,
                "raw_url": request.build_absolute_uri(reverse("snippets:raw", args=[snippet.pk])),
                "delete_token": token,
                "lexer": snippet.lexer or intake.AUTO,
                **lexer_source(snippet),
                "expires_at": snippet.expires_at.isoformat() if snippet.expires_at else None,
                **revision_json(request, snippet, revisions.latest(snippet.pk), latest=True),
            },
            status=201,
        )
    response["Location"] = url
    response["X-Delete-Token"] = token
    return response


@json_api
@csrf_exempt
def snippet(request, snippet_id):
    if request.method not in ("GET", "HEAD", "PUT", "PATCH", "DELETE"):
        response = error("method_not_allowed", "GET, PUT, PATCH or DELETE a snippet here.", 405)
        response["Allow"] = "GET, HEAD, PUT, PATCH, DELETE"
        return response
    if request.method == "PATCH":
        return patch(request, snippet_id)
    if request.method == "PUT":
        return put(request, snippet_id)
    found = Snippet.objects.filter(pk=snippet_id).first()
    if found is None:
        return error("not_found", "No such snippet.", 404)
    if found.is_removed:
        return lookup.removed_json(lookup.Removed(found))
    if request.method == "DELETE":
        return delete(request, found)  # an expired snippet can still be deleted by its owner
    if found.is_expired:
        return error("gone", "This snippet has expired.", 410)
    return JsonResponse(describe(request, found))


@json_api
@csrf_exempt
def report(request, snippet_id):
    """Report a snippet (``reason`` from ``models.REASONS``, optional ``text``): 201 and the
    report's id. Its content is not read: a burn snippet stays unread."""
    if request.method != "POST":
        response = error("method_not_allowed", "POST a report here: reason (and text).", 405)
        response["Allow"] = "POST"
        return response
    found = Snippet.objects.only(*REPORTED_FIELDS).filter(pk=snippet_id).first()
    if found is None:
        return error("not_found", "No such snippet.", 404)
    if found.is_removed:
        return lookup.removed_json(lookup.Removed(found))
    if found.is_expired:
        return error("gone", "This snippet has expired.", 410)
    try:
        form = reports.ReportForm(report_fields(request))
    except intake.Refused as refused:
        return error(refused.code, refused.message, refused.status)
    if not form.is_valid():
        return error("invalid_report", form.first_error(), 400)
    filed = reports.file_report(found, form.cleaned_data["reason"], form.cleaned_data["text"], request.META.get("REMOTE_ADDR"))
    return JsonResponse({"id": filed.pk, "snippet": found.pk, "reason": filed.reason, "status": filed.status}, status=201)


REPORTED_FIELDS = ("id", "expires_at", "burn_after_reading", "removed_at", "removed_reason")
REPORT_BODY_BYTES = 16 * 1024  # a reason and 2,000 characters, with room to spare


def report_fields(request):
    """``reason`` and ``text`` from a JSON or form body, as strings (anything else is refused)."""
    return small_fields(request, ("reason", "text"), '{"reason": "spam", "text": "..."}', what="A report")


def small_fields(request, names, example, what="The body"):
    """The text fields ``names`` of a small JSON or form body (at most ``REPORT_BODY_BYTES``),
    as strings; anything else is refused, showing ``example``."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > REPORT_BODY_BYTES:
        raise intake.Refused(f"{what} is at most {REPORT_BODY_BYTES:,} bytes.", status=413, code="too_large")
    if request.content_type == "application/json":
        text = intake.decode_upload(request.body, "the body")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise intake.Refused(f"The body is not valid JSON: send {example}.") from None
        if not isinstance(data, dict):
            raise intake.Refused(f"The JSON body must be an object: {example}.")
    else:
        formdata.keep_bytes(request)
        data, refused = formdata.text_fields(request, names)
        if refused:
            raise next(iter(refused.values()))
    fields = {name: data.get(name) for name in names if data.get(name) is not None}
    if any(not isinstance(value, str) for value in fields.values()):
        raise intake.Refused(f"{' and '.join(names)} must be strings.")
    return {name: intake.check_text(name, value) for name, value in fields.items()}


def delete(request, found):
    refused = unauthorized(request, found)
    if refused is not None:
        return refused
    Snippet.objects.filter(pk=found.pk).delete()
    return HttpResponse(status=204)


def unauthorized(request, found):
    """The 401 or 403 answer when the request does not carry ``found``'s delete token, else None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token" or not token.strip():
        response = error("unauthorized", "Send the delete token: Authorization: Token <delete_token>.", 401)
        response["WWW-Authenticate"] = "Token"
        return response
    if not found.accepts_delete_token(token.strip()):
        return error("forbidden", "That delete token does not match this snippet.", 403)
    return None


def changeable(request, snippet_id):
    """``(snippet, None)`` when the request carries the delete token of a live snippet that may
    change (not burn-after-reading), else ``(None, the error answer)``. The token is checked
    before any body is read (PATCH, PUT)."""
    found = Snippet.objects.filter(pk=snippet_id).first()
    if found is None:
        return None, error("not_found", "No such snippet.", 404)
    if found.is_removed:
        return None, lookup.removed_json(lookup.Removed(found))
    refused = unauthorized(request, found)
    if refused is not None:
        return None, refused
    if found.is_expired:
        return None, error("gone", "This snippet has expired.", 410)
    if found.burn_after_reading:
        return None, error("burn_after_reading", revisions.NOT_CHANGEABLE, 409)
    return found, None


def patch(request, snippet_id):
    """Set a snippet's language (``relabel``): ``{"lexer": "go"}`` or a ``lexer`` form field,
    with its delete token; 200 and its JSON, as GET answers. The token is checked before the
    body is read; a burn-after-reading snippet is not changeable (409)."""
    found, refused = changeable(request, snippet_id)
    if refused is not None:
        return refused
    try:
        if request.content_type == "multipart/form-data":  # Django reads multipart bodies for POST only
            raise intake.Refused('Send the language as JSON ({"lexer": "python"}) or form-encoded (curl -d lexer=python), '
                                 "not multipart (curl -F).")
        requested = small_fields(request, ("lexer",), '{"lexer": "python"}').get("lexer")
        if requested is None:
            raise intake.Refused('Send the language: {"lexer": "python"} (or auto to detect it again).')
        changed = relabel.relabel(found, requested, request.META)
    except intake.Refused as refused:
        return error(refused.code, refused.message, refused.status)
    if not changed:  # removed or deleted while the highlighter was asked
        now = Snippet.objects.filter(pk=snippet_id).first()
        return lookup.removed_json(lookup.Removed(now)) if now else error("not_found", "No such snippet.", 404)
    return JsonResponse(describe(request, found))


def describe(request, found):
    """A snippet's metadata; the content is at raw_url (reading it burns a burn snippet).

    An unread burn-after-reading snippet reveals nothing but that it exists: not its size,
    nor its digest (the SHA-256 of a short secret is as good as the secret), nor its names.
    """
    if found.burn_after_reading:
        return {
            "id": found.pk,
            "url": request.build_absolute_uri(found.get_absolute_url()),
            "burn_after_reading": True,
        }
    return {
        "id": found.pk,
        "url": request.build_absolute_uri(found.get_absolute_url()),
        "raw_url": request.build_absolute_uri(reverse("snippets:raw", args=[found.pk])),
        "title": found.title,
        "filename": found.filename,
        "lexer": found.lexer or intake.AUTO,
        **lexer_source(found),
        "size": found.size,
        "sha256": found.sha256,
        "created_at": found.created_at.isoformat(),
        "expires_at": found.expires_at.isoformat() if found.expires_at else None,
        "burn_after_reading": found.burn_after_reading,
        "parent": found.parent_id,
        **revision_json(request, found, revisions.latest(found.pk), latest=True),
        "revisions": [
            {"n": revision.number, "created_at": revision.created_at.isoformat(),
             "url": request.build_absolute_uri(revision.get_absolute_url())}
            for revision in revisions.history(found.pk)
        ],
    }


def lexer_source(found):
    """``lexer_detected``: the site guessed the language from the content (it may be wrong, and
    the owner can PATCH it); ``lexer_source``: ``chosen``, ``filename``, ``detected``, or None
    when not known (older snippets) or not decided yet (``lexer`` is then ``auto``)."""
    return {"lexer_detected": found.lexer_detected, "lexer_source": found.lexer_source or None}


def submitted(request):
    """The fields of a create request (JSON, form, multipart or a plain text body) as text."""
    try:
        if request.content_type == "application/json":
            return from_json(request.body)
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return from_form(request)
        return {"content": intake.decode_upload(request.body, "the body")}
    except RequestDataTooBig:
        raise intake.Refused(
            f"The request is larger than the {request_limit():,}-byte limit.", status=413, code="too_large"
        ) from None
    except TooManyFilesSent:  # Django stops reading at DATA_UPLOAD_MAX_NUMBER_FILES uploads
        raise intake.too_many_files() from None
    except TooManyFieldsSent:
        raise intake.Refused("The form has too many fields.") from None


def request_limit():
    return settings.SNIPPET_MAX_BYTES


def from_json(body):
    text = intake.decode_upload(body, "the body")
    try:
        data = json.loads(text)
    except ValueError as problem:
        raise intake.Refused(f"The body is not valid JSON: {problem}.") from None
    except RecursionError:  # json.loads recurses once per level: [[[[...]]]] 100,000 deep
        raise intake.Refused("The body is not valid JSON: it is nested too deeply.") from None
    if not isinstance(data, dict):
        raise intake.Refused('The JSON body must be an object: {"content": "..."}.')
    fields = {}
    if data.get("files") is not None:
        if data.get("content") is not None:
            raise intake.Refused('Send either "content" (one file) or "files", not both.')
        fields["files"] = json_files(data["files"])
    for name in ("content", *TEXT_FIELDS):
        value = data.get(name)
        if value is None:
            continue
        if name == "burn":
            if not isinstance(value, bool):
                raise intake.Refused("burn must be true or false.")
        elif not isinstance(value, str):
            raise intake.Refused(f"{name} must be a string.")
        fields[name] = value
    if "content" not in fields and "files" not in fields:
        raise intake.Refused('The snippet is empty: send {"content": "..."}.', code="empty")
    return fields


FILES_EXAMPLE = '"files": [{"filename": "a.py", "content": "...", "lexer": "auto"}, ...]'


def json_files(items):
    """``"files"`` of a JSON body as ``intake.Upload``s (checked later, all together)."""
    if not isinstance(items, list):
        raise intake.Refused(f"files must be a list: {FILES_EXAMPLE}.")
    if len(items) > settings.SNIPPET_MAX_FILES:
        raise intake.too_many_files(len(items))
    uploads = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise intake.Refused(f"File {number} must be an object: {FILES_EXAMPLE}.")
        values = {name: item.get(name) for name in ("filename", "content", "lexer")}
        for name, value in values.items():
            if value is not None and not isinstance(value, str):
                raise intake.Refused(f"File {number}: {name} must be a string.")
        if values["content"] is None:
            raise intake.Refused(f"File {number} has no content.", code="empty")
        uploads.append(intake.Upload(values["filename"] or "", values["content"], values["lexer"] or ""))
    return uploads


def from_form(request):
    """The fields of a urlencoded or multipart body, decoded strictly (``formdata``)."""
    formdata.keep_bytes(request)
    fields, refused = formdata.text_fields(request, ("content", *TEXT_FIELDS))
    if refused:
        raise next(iter(refused.values()))
    several = request.FILES.getlist("file") if request.content_type == "multipart/form-data" else []
    if several:
        if "content" in fields or "content" in request.FILES:
            raise intake.Refused("Send either a content field (one file) or file fields (curl -F file=@a.py), not both.")
        fields["files"] = [intake.Upload(upload.name or "", uploaded_text(upload, "file"), fields.get("lexer", ""))
                           for upload in several]
    upload = request.FILES.get("content")
    if upload is not None:
        if upload.size > request_limit():
            raise intake.Refused(
                f"The file is {upload.size:,} bytes; the limit is {request_limit():,} bytes.",
                status=413,
                code="too_large",
            )
        fields["content"] = intake.decode_upload(upload.read(), textinput.upload("content"))
        if not fields.get("filename") and upload.name:
            fields["filename"] = upload.name
    if "content" not in fields and "files" not in fields:
        raise intake.Refused("The snippet is empty: send a content field (curl -F 'content=<-'), or files "
                             "(curl -F file=@a.py -F file=@b.py).", code="empty")
    if "burn" in fields:
        fields["burn"] = textinput.boolean_word(fields["burn"]) is True  # any other word: no
    return fields


def uploaded_text(upload, field):
    """An uploaded file's text (``intake.decode_upload``), refused unread when over the limit."""
    if upload.size > request_limit():
        raise intake.Refused(
            f"The file {upload.name or ''} is {upload.size:,} bytes; the limit is {request_limit():,} bytes.",
            status=413,
            code="too_large",
        )
    return intake.decode_upload(upload.read(), textinput.upload(field))


def checked_uploads(fields, environ):
    """The files of a create or edit request (``files``, or the one-file fields content,
    filename and lexer), checked by ``intake.check_files``, each lexer by ``lexer_choice``."""
    if "files" in fields:
        uploads = fields["files"]
    else:
        name = intake.one_file_name(fields.get("filename", ""))
        uploads = [intake.Upload(name, fields["content"], fields.get("lexer", ""))]
    uploads = intake.check_files(uploads)
    return [intake.Upload(upload.filename, upload.content, lexer_of(upload, len(uploads), environ))
            for upload in uploads]


def lexer_of(upload, count, environ):
    try:
        return creation.lexer_choice(upload.lexer, environ)
    except intake.Refused as refused:
        if count > 1:
            refused.message = f"{upload.filename[:80]}: {refused.message}"
        raise


def revision_json(request, snippet, revision, latest):
    """A revision's number, URL and files (names, languages, sizes, digests, raw URLs): of the
    latest revision (``latest``: raw URLs that follow later edits) or of revision n (raw URLs
    of that revision, forever the same bytes)."""
    number = None if latest else revision.number
    return {
        "revision": revision.number,
        "revision_url": request.build_absolute_uri(revision.get_absolute_url()),
        "files": [file_json(request, snippet, file, number) for file in revisions.files(revision, text=False)],
    }


def file_json(request, snippet, file, number):
    if file.filename and "/" not in file.filename:
        raw = rawfiles.raw_url(snippet.pk, file, number)
    else:  # the one file of a snippet pasted without a name (or named a path, before revisions)
        raw = reverse("snippets:raw", args=[snippet.pk]) if number is None else reverse(
            "snippets:revision-raw", args=[snippet.pk, number])
    return {
        "filename": file.filename,
        "lexer": file.lexer or intake.AUTO,
        **lexer_source(file),
        "size": file.size,
        "sha256": file.sha256,
        "raw_url": request.build_absolute_uri(raw),
    }


@json_api
@csrf_exempt
def revision(request, snippet_id, number):
    """``GET /api/snippets/<id>/revisions/<n>``: that revision's files (their texts at raw_url)."""
    if request.method not in ("GET", "HEAD"):
        response = error("method_not_allowed", "GET a revision here.", 405)
        response["Allow"] = "GET, HEAD"
        return response
    found = Snippet.objects.filter(pk=snippet_id).first()
    if found is None:
        return error("not_found", "No such snippet.", 404)
    if found.is_removed:
        return lookup.removed_json(lookup.Removed(found))
    if found.is_expired:
        return error("gone", "This snippet has expired.", 410)
    if found.burn_after_reading:  # reveals nothing, as GET of the snippet
        return JsonResponse(describe(request, found))
    chosen = revisions.numbered(snippet_id, number)
    if chosen is None:
        return error("not_found", f"This snippet has no revision {number}.", 404)
    return JsonResponse({
        "id": found.pk,
        "url": request.build_absolute_uri(found.get_absolute_url()),
        "created_at": chosen.created_at.isoformat(),
        "latest": chosen.number == revisions.latest(snippet_id).number,
        **revision_json(request, found, chosen, latest=False),
    })


def put(request, snippet_id):
    """A new revision (``revisions.revise``) from a body as POST takes (``content``, or
    ``files``, or multipart ``file`` fields), with the delete token: 201 and its number and
    URL; 200 and no new revision when nothing changed. ``title`` changes the snippet's title
    (shared by its revisions); ``expires`` and ``burn`` are the snippet's, set when it was made,
    and are not read. The token is checked before the body is read."""
    found, refused = changeable(request, snippet_id)
    if refused is not None:
        return refused
    try:
        parse_as_post(request)
        fields = submitted(request)
        uploads = checked_uploads(fields, request.META)
        title = intake.check_title(fields["title"]) if "title" in fields else None
        made, created = revisions.revise(found, uploads, request.META)
    except intake.Refused as refused:
        return error(refused.code, refused.message, refused.status)
    if title is not None and title != found.title:
        Snippet.objects.filter(pk=found.pk).update(title=title)
        found.title = title
        apps.get_app_config("snippets").pages.forget(found.pk)
    body = {"id": found.pk, "url": request.build_absolute_uri(found.get_absolute_url()), "changed": created,
            **revision_json(request, found, made, latest=True)}
    response = JsonResponse(body, status=201 if created else 200)
    if created:
        response["Location"] = body["revision_url"]
    return response


def parse_as_post(request):
    """Have Django read a PUT's form or multipart body as it reads a POST's (it reads bodies
    for POST only), with the same limits (``DATA_UPLOAD_MAX_*``)."""
    if request.content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return
    request.method = "POST"
    try:
        formdata.keep_bytes(request)
        request.POST  # noqa: B018 (parsed now, while the method says POST)
    finally:
        request.method = "PUT"
