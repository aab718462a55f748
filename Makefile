# The two commands a newcomer needs:  make run  (the whole site)  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test setup system-deps check clean lock

run: setup
	DEBUG=true $(BIN)/composite serve

test: setup system-deps
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

check: setup
	$(BIN)/composite check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
