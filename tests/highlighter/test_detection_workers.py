"""Language detection runs in the killable highlighting processes: the model is loaded before a
process says it is ready, a process without it still detects by its other rules (and says why in
the log), and hostile inputs are detected well inside the time budget."""

import os
from pathlib import Path

import pytest

from apps.highlighter.core import Highlighter, HighlightRequest
from tests.contract import check_answer

NODE = "#!/usr/bin/env node\nconsole.log(1)\n"
GO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n'


def resident_mib(pid):
    """Process ``pid``'s resident memory (RSS) in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def hide_the_model(directory, monkeypatch):
    """Processes started from now on cannot import magika nor onnxruntime, as if they were not installed."""
    for package in ("magika", "onnxruntime"):
        (directory / package).mkdir()
        (directory / package / "__init__.py").write_text(f'raise ImportError("No module named {package} (test)")\n')
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH")])))


def test_the_model_is_loaded_before_a_process_is_ready_never_by_a_request(tmp_path, monkeypatch):
    """A ready process is already larger than one without the model by the model's size (tens of
    MiB, see docs/highlighter.md), and detecting with the model adds little to it."""
    with Highlighter(workers=1, timeout=2.0) as with_model:
        with_model.start()
        hide_the_model(tmp_path, monkeypatch)
        with Highlighter(workers=1, timeout=2.0) as without_model:
            without_model.start()
            [pid], [bare] = with_model.worker_pids(), without_model.worker_pids()
            ready, model_size = resident_mib(pid), resident_mib(pid) - resident_mib(bare)
            assert model_size > 20
            assert with_model.guess(None, GO)["rule"] == "model"
            assert resident_mib(pid) - ready < model_size / 2


def test_without_the_model_the_other_rules_still_decide_and_the_log_says_why(tmp_path, monkeypatch, capfd):
    hide_the_model(tmp_path, monkeypatch)
    with Highlighter(workers=1, timeout=2.0) as pool:
        pool.start()
        assert "Language detection runs without its content model (ImportError" in capfd.readouterr().err
        assert pool.guess("main.go", GO)["rule"] == "filename"
        assert (pool.guess(None, NODE)["lexer"]["alias"], pool.guess(None, NODE)["rule"]) == ("javascript", "shebang")
        unsure = pool.guess(None, GO)
        assert (unsure["lexer"]["alias"], unsure["rule"], unsure["confidence"], unsure["candidates"]) == (
            "text", "fallback", 0.0, [])
        result = pool.highlight(HighlightRequest.from_fields({"code": GO, "guess": True}))
        assert result["detection"]["rule"] == "fallback" and result["lexer"]["alias"] == "text"


HOSTILE = {
    "64 KB on one line": "a" * 65536,
    "64 KB of template braces": "{{" * 32768,
    "64 KB of modeline markers": "-*- " * 16384,
    "64 KB of vim modelines": "vim: " * 13107,
    "a 64 KB shebang": "#!" + "/x" * 32768,
    "1 MB of prose": "The quick brown fox jumps over the lazy dog, twice over. " * 18000,
    "1 MB of blank lines then code": " \t\n" * 349000 + "def f():\n    pass\n",
    "1 MB on one line": "x = 1; " * 149000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_detected_inside_the_time_budget(api, text):
    """Under the default budget (HIGHLIGHT_TIMEOUT, 2 s) a detection that ran past it would be
    killed and answered 422 timeout: each is answered, alone and before highlighting. Highlighting
    1 MB in the language detected may itself outrun the budget (JavaScript's lexer on 1 MB of
    `x = 1; `: 2.1 s CPU); that is the lexer's time, answered as the same timeout as when the
    lexer is named, so it is accepted after a detection that answered."""
    response = api.post("/api/guess", json={"code": text})
    assert response.status_code == 200, response.json
    assert check_answer("POST", "/api/guess", 200, response.headers, response.data) == []
    detected = response.json["lexer"]["alias"]
    response = api.post("/api/highlight", json={"code": text, "guess": True})
    if response.status_code == 422 and detected != "text" and len(text) > 100_000:
        assert response.json["error"]["code"] == "timeout"
        return
    assert response.status_code == 200, response.json
    assert check_answer("POST", "/api/highlight", 200, response.headers, response.data) == []


@pytest.mark.parametrize("filename", ["x.h", "x.pl", "x.m", "x.inc"])
def test_a_file_name_several_lexers_claim_is_settled_inside_the_budget(api, filename):
    """The analysers of every lexer claiming the name read the content (its first 64 KB)."""
    for text in (HOSTILE["64 KB of template braces"], HOSTILE["1 MB of blank lines then code"]):
        response = api.post("/api/guess", json={"filename": filename, "code": text})
        assert response.status_code == 200, response.json
