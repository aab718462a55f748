"""The architecture, enforced: apps never import each other, cores import no web framework."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"killable"}  # framework-free libraries beside apps/sitewide.py that any app may use
APPS = sorted(p.name for p in (ROOT / "apps").iterdir() if (p / "__init__.py").exists() and p.name not in SHARED)
FRAMEWORKS = {"django", "flask", "werkzeug", "genshi", "httpx", "jinja2"}


def imported_modules(place):
    """(file, module) for every absolute import in a file or a package folder."""
    for path in [place] if place.is_file() else place.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module
                for alias in node.names:
                    yield path, f"{node.module}.{alias.name}"


def test_there_are_three_apps():
    assert APPS == ["diffviewer", "highlighter", "snippets"]


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_no_other_app_and_not_the_composition(app):
    foreign = [f"apps.{other}" for other in APPS if other != app] + ["composite"]
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imported_modules(ROOT / "apps" / app)
        if any(module == name or module.startswith(name + ".") for name in foreign)
    ]
    assert offenders == []


@pytest.mark.parametrize("core", ["highlighter", "diffviewer"])
def test_a_core_imports_no_web_framework(core):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imported_modules(ROOT / "apps" / core / "core")
        if module.split(".")[0] in FRAMEWORKS
        or (module.startswith("apps.") and not module.startswith((f"apps.{core}.core", "apps.killable")))
        or module == "apps.sitewide"
    ]
    assert offenders == []


@pytest.mark.parametrize("library", sorted(SHARED))
def test_a_shared_library_imports_no_framework_and_no_app(library):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imported_modules(ROOT / "apps" / library)
        if module.split(".")[0] in FRAMEWORKS or (module.startswith("apps.") and not module.startswith(f"apps.{library}"))
    ]
    assert offenders == []


def test_the_shared_contract_module_imports_no_framework_and_no_app():
    offenders = [
        module
        for _, module in imported_modules(ROOT / "apps" / "sitewide.py")
        if module.split(".")[0] in FRAMEWORKS - {"httpx"} or (module.startswith("apps.") and module != "apps.environment")
    ]
    assert offenders == []


def test_the_environment_parser_imports_no_framework_and_nothing_of_ours():
    offenders = [
        module
        for _, module in imported_modules(ROOT / "apps" / "environment.py")
        if module.split(".")[0] in FRAMEWORKS | {"apps", "composite", "config"}
    ]
    assert offenders == []


def test_the_detector_would_notice_a_cross_import(tmp_path):
    """Guard against a test that cannot fail: a planted import is found."""
    (tmp_path / "x.py").write_text("from apps.highlighter import core\nimport django.db\n")
    found = [module for _, module in imported_modules(tmp_path)]
    assert "apps.highlighter" in found and "django.db" in found
