# The two commands a newcomer needs:  make run  (the whole site)  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test setup system-deps axe check clean lock screenshots

run: setup
	DEBUG=true $(BIN)/composite serve

test: setup system-deps axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[test]'
	touch $@

# requirements.txt: the pinned versions a PaaS buildpack installs (and setup installs first),
# resolved from pyproject.toml's dependencies for the Python in .python-version. Run after
# changing a dependency; tests/deploy/test_lockfile.py fails while the two disagree.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --universal --python-version $$(cat .python-version) \
		--custom-compile-command 'make lock' --quiet -o requirements.txt

# Programs the tests drive for real: a browser, GNU patch, ruby, wrk, slowhttptest, HAProxy, pastebinit.
# Installed with apt-get when we are root on Debian; otherwise those tests skip and say why.
system-deps:
	@sh tests/system-deps.sh

# axe-core, the accessibility checker the browser tests inject into each page, pinned by
# tests/e2e/axe/package-lock.json (npm ci: exactly those bytes). Skipped, saying so, without npm;
# tests/e2e/test_accessibility.py then skips too.
AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js
axe:
	@if [ -f $(AXE) ] && [ $(AXE) -nt tests/e2e/axe/package-lock.json ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm ci --prefix tests/e2e/axe --no-audit --no-fund --silent && touch $(AXE); \
	else echo "npm not installed: accessibility tests will be skipped (Debian: apt-get install npm)"; fi

# The README's screenshots (docs/screenshots), taken in Chromium by tests/e2e/test_screenshots.py:
# the main pages, light and dark, desktop and phone.
screenshots: setup system-deps
	E2E_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/e2e/test_screenshots.py -q -p no:cacheprovider

check: setup
	$(BIN)/composite check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
