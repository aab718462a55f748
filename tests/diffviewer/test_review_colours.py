"""The review page's colours: asked from the outline, while the whole job (word marks, moved
code) still runs, and each file's sides as ``core.patch.sides`` gives them."""

import threading

from apps.diffviewer.core.patch import parse_patch, sides

PATCH = "".join(f"--- a/f{i}.py\n+++ b/f{i}.py\n@@ -1,2 +1,2 @@\n x = 0\n-x = {i}\n+y = {i}\n" for i in range(4))


def test_a_file_s_sides_are_its_context_with_its_removed_or_added_lines_and_their_numbers():
    [file] = parse_patch("--- a/a.py\n+++ b/a.py\n@@ -3,3 +3,4 @@\n keep\n-old\n+new\n+more\n last\n").files
    assert sides(file) == (("keep\nold\nlast\n", [3, 4, 5]), ("keep\nnew\nmore\nlast\n", [3, 4, 5, 6]))
    [added] = parse_patch("--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+x\n").files
    assert sides(added) == (("", []), ("x\n", [1]))


def test_colours_are_asked_before_the_whole_job_answers(client, monkeypatch):
    """The outline gives the sides, so the highlighter works while word marks are made; the
    page is the same, coloured."""
    from apps.diffviewer import tokens, work

    asked, released, real_review, real_fetch = threading.Event(), threading.Event(), work.review, tokens.fetch_batch

    def held(text, settings):
        assert released.wait(timeout=60), "the test never released the job"
        return real_review(text, settings)

    def fetch(client, items, settings):
        asked.set()
        return real_fetch(client, items, settings)

    monkeypatch.setattr(work, "review", held)
    monkeypatch.setattr(tokens, "fetch_batch", fetch)
    response = client.post("/diff/review", data={"patch": PATCH}, buffered=False)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(response.response))  # as a server reads it
    reader.start()
    try:
        assert asked.wait(timeout=30) and not released.is_set()
        assert b"4 files changed" in chunks[0]  # the head left first
    finally:
        released.set()
        reader.join(timeout=60)
    page = b"".join(chunks).decode()
    response.close()
    assert page.count('<details id="f') == 4
    assert page.count('<span class="t-mi">') == 12  # every number of every side: context, old and new


def test_a_whole_job_that_fails_asks_for_no_more_colours(client, monkeypatch):
    """Batches queued ahead are dropped when the whole job fails: only those already being asked
    are asked. The job fails once both threads are asking, and they finish only once the page
    has stopped its colours, so every queued batch is still queued when it stops."""
    from apps.diffviewer import reviewing, tokens, work
    from apps.diffviewer.inputs import InputError

    asked, both_asking, stopped, pools = [], threading.Event(), threading.Event(), []

    def timed_out(text, settings):
        both_asking.wait(timeout=10)
        raise InputError("timeout", "Comparing took longer than 5 s and was stopped.", 422)

    def fetch(client, items, settings):
        asked.append(len(items))
        if len(asked) >= reviewing.THREADS:
            both_asking.set()
        stopped.wait(timeout=2)
        return [None] * len(items)

    class Pool(reviewing.ThreadPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(self)

    stop = reviewing.Colours.stop
    monkeypatch.setattr(reviewing.Colours, "stop", lambda colours: (stop(colours), stopped.set()))
    monkeypatch.setattr(reviewing, "ThreadPoolExecutor", Pool)
    monkeypatch.setattr(work, "review", timed_out)
    monkeypatch.setattr(tokens, "fetch_batch", fetch)
    monkeypatch.setattr(reviewing, "BATCH_FILES", 1)
    monkeypatch.setattr(reviewing, "AHEAD", 8)
    patch = "".join(f"--- a/f{i}.py\n+++ b/f{i}.py\n@@ -1 +1 @@\n-x = {i}\n+y = {i}\n" for i in range(10))
    response = client.post("/diff/review", data={"patch": patch})
    assert "The files of this patch cannot be shown" in response.get_data(as_text=True)
    for pool in pools:
        pool.shutdown(wait=True)  # whatever was still queued would be asked now
    assert len(asked) == reviewing.THREADS  # of the 8 asked ahead, those being asked; none after
