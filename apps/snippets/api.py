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

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from apps import errorcodes, textinput
from apps.snippets import creation, formdata, intake, lookup, relabel, reports
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
        lexer = creation.lexer_choice(fields.get("lexer"), request.META)
        intake.check_expiry(fields.get("expires"))
        snippet, token = creation.create_snippet(
            request.META,
            content=intake.check_content(fields["content"]),
            title=intake.check_text("title", fields.get("title", ""))[:200],
            filename=intake.check_text("file name", fields.get("filename", ""))[:255],
            lexer=lexer,
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
            },
            status=201,
        )
    response["Location"] = url
    response["X-Delete-Token"] = token
    return response


@json_api
@csrf_exempt
def snippet(request, snippet_id):
    if request.method not in ("GET", "HEAD", "PATCH", "DELETE"):
        response = error("method_not_allowed", "GET, PATCH or DELETE a snippet here.", 405)
        response["Allow"] = "GET, HEAD, PATCH, DELETE"
        return response
    if request.method == "PATCH":
        return patch(request, snippet_id)
    found = Snippet.objects.defer("content").filter(pk=snippet_id).first()
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


def patch(request, snippet_id):
    """Set a snippet's language (``relabel``): ``{"lexer": "go"}`` or a ``lexer`` form field,
    with its delete token; 200 and its JSON, as GET answers. The token is checked before the
    body is read; a burn-after-reading snippet is not changeable (409)."""
    found = Snippet.objects.defer("content").filter(pk=snippet_id).first()  # read only to render it
    if found is None:
        return error("not_found", "No such snippet.", 404)
    if found.is_removed:
        return lookup.removed_json(lookup.Removed(found))
    refused = unauthorized(request, found)
    if refused is not None:
        return refused
    if found.is_expired:
        return error("gone", "This snippet has expired.", 410)
    if found.burn_after_reading:
        return error("burn_after_reading", relabel.NOT_CHANGEABLE, 409)
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
        now = Snippet.objects.defer("content").filter(pk=snippet_id).first()
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
    if "content" not in fields:
        raise intake.Refused('The snippet is empty: send {"content": "..."}.', code="empty")
    return fields


def from_form(request):
    """The fields of a urlencoded or multipart body, decoded strictly (``formdata``)."""
    formdata.keep_bytes(request)
    fields, refused = formdata.text_fields(request, ("content", *TEXT_FIELDS))
    if refused:
        raise next(iter(refused.values()))
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
    if "content" not in fields:
        raise intake.Refused("The snippet is empty: send a content field (curl -F 'content=<-').", code="empty")
    if "burn" in fields:
        fields["burn"] = textinput.boolean_word(fields["burn"]) is True  # any other word: no
    return fields
