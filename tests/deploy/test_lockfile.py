"""The lock file a PaaS buildpack installs from agrees with pyproject.toml.

Heroku's Python buildpack (and Dokku, which runs it) wants exactly one package-manager
file at the root; ours is ``requirements.txt``, written by ``make lock`` from
``pyproject.toml``. These tests fail while the two disagree, so a dependency added,
dropped or re-bounded in pyproject.toml without ``make lock`` never reaches main.
"""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_MANAGER_FILES = ("requirements.txt", "poetry.lock", "uv.lock", "Pipfile.lock")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def declared():
    """pyproject.toml's runtime dependencies, by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {canonicalize_name(requirement.name): requirement for requirement in requirements}


def locked():
    """requirements.txt's pins: name -> (version, the names it says pulled it in)."""
    pins, current = {}, None
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), [])
        elif current and line.strip().startswith("#") and "via" not in line:
            pins[current][1].append(line.strip("# ").strip())
        elif current and "# via " in line:
            pins[current][1].append(line.split("# via ", 1)[1].strip())
    return pins


def test_the_root_has_exactly_one_package_manager_file():
    present = [name for name in PACKAGE_MANAGER_FILES if (ROOT / name).exists()]
    assert present == ["requirements.txt"]


def test_every_dependency_is_pinned_at_a_version_pyproject_allows():
    pins = locked()
    for name, requirement in declared().items():
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.txt: run make lock"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.txt pins {name}=={version}, which pyproject.toml's {requirement} refuses: run make lock"
        )


def test_nothing_is_pinned_for_a_dependency_pyproject_no_longer_has():
    wanted = set(declared())
    for name, (version, via) in locked().items():
        if any(reason.startswith("composite") for reason in via):
            assert name in wanted, f"requirements.txt still pins {name}=={version} for pyproject.toml: run make lock"


def test_python_version_names_the_python_the_tests_run_on():
    named = (ROOT / ".python-version").read_text().strip()
    assert named == f"{sys.version_info.major}.{sys.version_info.minor}"
