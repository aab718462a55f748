"""The cores are plain libraries in practice, not only on paper: importing one in a fresh
interpreter, or in the killable child processes that run its jobs, loads no web framework."""

import subprocess
import sys
from pathlib import Path

import pytest

from apps import killable

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("flask", "werkzeug", "django", "genshi", "jinja2")
CORES = ["apps.highlighter.core", "apps.diffviewer.core"]
JOB_MODULES = ["apps.highlighter.core.worker", "apps.diffviewer.core.jobs", "apps.snippets.revisionpatch"]


def frameworks_loaded_by(module):
    """The web frameworks a fresh interpreter has loaded once ``module`` is imported."""
    script = (
        f"import sys, {module}\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize("core", CORES)
def test_importing_a_core_imports_no_web_framework(core):
    assert frameworks_loaded_by(core) == "[]"


@pytest.mark.parametrize("job_module", JOB_MODULES)
def test_a_killable_child_running_a_cores_jobs_imports_no_web_framework(job_module):
    """The children import the job module the ordinary way, parents' ``__init__`` included."""
    with killable.Pool("tests.diffviewer.killable_probe", workers=1, timeout=30.0) as pool:
        loaded = set(pool.call("modules", job_module))
    assert job_module in loaded
    assert {m for m in loaded if m.split(".")[0] in FRAMEWORKS} == set()
