"""Every upload of a multipart ``file`` field keeps its name as sent: UTF-8 decoded strictly for
each one, as ``curl -F file=@café.py -F file=@naïve.py`` sends them, and a name that is not
UTF-8 refused clearly wherever it is in the body (never stored garbled, never dropped)."""

import pytest

from apps.snippets.models import File

pytestmark = pytest.mark.django_db

BOUNDARY = b"----composite-test-boundary"
NAMES = ["café.py", "naïve.py", "b.txt"]


def multipart(*parts):
    """A multipart body of ``file`` parts ``(name as bytes, text)``, byte for byte as curl writes it."""
    body = b""
    for name, text in parts:
        body += (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="' + name
                 + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + text.encode() + b"\r\n")
    return body + b"--" + BOUNDARY + b"--\r\n"


def send(client, method, path, body, **headers):
    return client.open(path, method=method, data=body, headers=headers,
                       content_type="multipart/form-data; boundary=" + BOUNDARY.decode())


def utf8_parts(names):
    return [(name.encode("utf-8"), f"# {name}\n") for name in names]


def test_post_keeps_every_uploads_name(client):
    response = send(client, "POST", "/api/snippets", multipart(*utf8_parts(NAMES)))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [file["filename"] for file in response.get_json()["files"]] == NAMES
    assert list(File.objects.order_by("position").values_list("filename", flat=True)) == NAMES


def test_put_keeps_every_uploads_name(client):
    made = send(client, "POST", "/api/snippets", multipart((b"x.py", "x\n"), (b"y.py", "y\n"))).get_json()
    response = send(client, "PUT", f"/api/snippets/{made['id']}", multipart(*utf8_parts(NAMES)),
                    Authorization=f"Token {made['delete_token']}")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [file["filename"] for file in response.get_json()["files"]] == NAMES


@pytest.mark.parametrize("where", [0, 1, 2])
def test_a_name_that_is_not_utf8_is_refused_wherever_it_is(client, where):
    parts = utf8_parts(NAMES)
    parts[where] = (b"a\xff.txt", "text\n")
    response = send(client, "POST", "/api/snippets", multipart(*parts))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "file name" in response.get_json()["error"]["message"]
    assert not File.objects.exists()
