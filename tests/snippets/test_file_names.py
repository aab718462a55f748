"""File names that would show as another name, or clash with another on a file system, are
refused (``intake.check_files``): bidi controls, invisible characters, white space at either
end, and two names equal once case is folded and Unicode normalised."""

import pytest

from apps.snippets import intake
from apps.snippets.intake import Refused, Upload, check_files
from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


def files(*names):
    return [Upload(name, f"text of {index}\n") for index, name in enumerate(names)]


@pytest.mark.parametrize("name", [
    "x\u202etxt.exe", "a\u202a.py", "a\u202b.py", "a\u202c.py", "a\u202d.py",
    "a\u2066.py", "a\u2067.py", "a\u2068.py", "a\u2069.py", "a\u200f.py",
    "\u200b", "a\u200b.py", "a\u200c.py", "a\u200d.py", "a\ufeff.py",
])
def test_names_with_bidi_controls_or_invisible_characters_are_refused(name):
    with pytest.raises(Refused) as refused:
        check_files(files(name, "b.py"))
    assert refused.value.code == "bad_filename"
    assert f"U+{ord(next(c for c in name if c in intake.SPOOFING)):04X}" in refused.value.message


@pytest.mark.parametrize("name", [" a.py", "a.py ", "a.py\u00a0", "\u3000a.py"])
def test_names_with_white_space_at_either_end_are_refused(name):
    with pytest.raises(Refused, match="white space") as refused:
        check_files(files(name, "b.py"))
    assert refused.value.code == "bad_filename"


@pytest.mark.parametrize(("first", "second"), [
    ("A.py", "a.py"), ("README.MD", "readme.md"), ("\u00e9.py", "e\u0301.py"), ("Stra\u00dfe.txt", "STRASSE.txt"),
])
def test_names_equal_ignoring_case_and_normalisation_are_duplicates(first, second):
    with pytest.raises(Refused, match="differ only in case or Unicode normalisation") as refused:
        check_files(files(first, second))
    assert refused.value.code == "duplicate_filename"


def test_ordinary_names_with_spaces_accents_and_scripts_are_fine():
    names = ["my notes.txt", "café.py", "naïve.py", "日本語.md", "שלום.txt", "a-b c.tar.gz"]
    assert [upload.filename for upload in check_files(files(*names))] == names


def test_the_api_refuses_a_spoofing_name_clearly(client):
    response = client.post("/api/snippets", json={"files": [{"filename": "x\u202etxt.exe", "content": "x\n"}]})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_filename" and "RIGHT-TO-LEFT OVERRIDE" in error["message"]
    assert not Snippet.objects.exists()


def test_the_one_file_name_field_drops_such_characters():
    assert intake.one_file_name("x\u202etxt.exe") == "xtxt.exe"
    assert intake.one_file_name("\u200ba.py\ufeff ") == "a.py"
