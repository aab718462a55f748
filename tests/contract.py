"""The highlighter's published contract, as tests check it: ``GET /api/openapi.json``.

``check_request`` and ``check_answer`` say what in one request or one answer the document
does not allow (an empty list when it allows all of it). ``Checked`` wraps any highlighter
(the real one, the fake one) as WSGI and records every violation of the requests it is sent
and the answers it gives, so a test can run a consumer through it and assert
``checked.violations == []``: the consumer asked only what the document offers, and relied
on an answer the document promises.
"""

import io
import json
from functools import lru_cache

from jsonschema import Draft202012Validator
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request

from apps.highlighter.openapi import spec


@lru_cache(maxsize=1)
def document():
    return spec()


def schema_errors(schema, instance):
    """What in ``instance`` ``schema`` (whose $refs point into the document) refuses."""
    validator = Draft202012Validator({**schema, "components": document()["components"]})
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:200]}"
            for error in validator.iter_errors(instance)]


def operation(method, path):
    return document()["paths"].get(path, {}).get(method.lower())


def check_request(method, path, headers, body):
    """Violations in one request: its route, headers and (bytes) body."""
    found = operation(method, path)
    if found is None:
        return [f"{method} {path} is not in the document"]
    problems = []
    for parameter in found.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] in headers:
            problems += [f"header {parameter['name']}: {error}"
                         for error in schema_errors(parameter["schema"], headers[parameter["name"]])]
    if "requestBody" in found:
        media = headers.get("Content-Type", "").split(";")[0].strip()
        declared = found["requestBody"]["content"].get(media)
        if declared is None:
            return problems + [f"{method} {path}: body of type {media or 'none'} is not documented"]
        if media == "application/json":
            try:
                problems += schema_errors(declared["schema"], json.loads(body))
            except ValueError:
                problems.append(f"{method} {path}: the body is not JSON")
    return problems


def check_answer(method, path, status, headers, body):
    """Violations in one answer: its status, required headers, media type and JSON."""
    found = operation(method, path)
    if found is None:
        return [f"{method} {path} is not in the document"]
    declared = found["responses"].get(str(status)) or found["responses"].get("default")
    if declared is None:
        return [f"{method} {path}: status {status} is not documented"]
    problems = []
    for name, header in declared.get("headers", {}).items():
        if name not in headers:
            problems += [f"{status}: header {name} is missing"] if header.get("required") else []
        else:
            problems += [f"{status}: header {name}: {error}" for error in schema_errors(header["schema"], headers[name])]
    if "content" not in declared:
        return problems + ([f"{status}: a body where none is documented"] if body else [])
    media = headers.get("Content-Type", "").split(";")[0].strip()
    if media not in declared["content"]:
        return problems + [f"{status}: Content-Type {media or 'none'} is not documented"]
    if media == "application/json":
        try:
            problems += [f"{status}: {error}" for error in schema_errors(declared["content"][media]["schema"],
                                                                          json.loads(body))]
        except ValueError:
            problems.append(f"{status}: the body is not JSON")
    return problems


class Checked:
    """A highlighter (WSGI) whose requests and answers are checked against the document.

    ``violations`` lists ``(method, path, problem)``. An answer the wrapped app marks
    off-contract (``environ["contract.off"] = True``, the fake's ``raw`` answers, sent on
    purpose to see a consumer survive them) is not checked.
    """

    def __init__(self, app):
        self.app = app
        self.violations = []
        self.exchanges = []  # (method, path, request headers, status, answer headers)

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)  # read once here, there again for the app
        environ["CONTENT_LENGTH"] = str(len(body))
        method, path = request.method, request.path
        self.violations += [(method, path, p) for p in check_request(method, path, request.headers, body)]
        answer = {}

        def remember(status, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), headers
            return start_response(status, headers, exc_info)

        chunks = list(self.app(environ, remember))
        headers = Headers(answer["headers"])
        self.exchanges.append((method, path, request.headers, answer["status"], headers))
        if not environ.get("contract.off"):
            self.violations += [(method, path, p) for p in check_answer(method, path, answer["status"], headers,
                                                                        b"".join(chunks))]
        return chunks
