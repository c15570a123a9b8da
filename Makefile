# The course's two commands: `make lab` opens it, `make test` runs every test.
# Both create .venv when it is missing and install the course into it with the
# exact versions of constraints.txt.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.coursekit-installed

.PHONY: lab test test-browser site notebooks bench constraints clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,site]'
	$(PY) -m ipykernel install --user --name coursekit --display-name "Python (coursekit)" >/dev/null
	@touch $(STAMP)

# --allow-root only where the user is root (containers), as JupyterLab asks.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

test: $(STAMP)
	COURSEKIT_QUICK=1 $(PY) -m pytest

# The course's website, build/site/, from the stored full-mode runs of data/outputs/ (runs no notebook).
site: $(STAMP)
	$(PY) -m coursekit.site

# Widgets in a real JupyterLab, then the built site, in headless Chromium (CI runs it after `make test`).
# Installs Debian's chromium when it is missing and apt-get can (root, Debian/Ubuntu).
test-browser: $(STAMP) site
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || true
	COURSEKIT_QUICK=1 $(PY) -m pytest -m browser tests/browser

# Build the solved and the student notebooks from notebooks/source/ (runs the notebooks whose source changed).
notebooks: $(STAMP)
	$(PY) -m coursekit.notebooks

# Seconds each notebook takes in quick mode (add ARGS=--full for the real run).
bench: $(STAMP)
	$(PY) -m coursekit.bench $(ARGS)

constraints: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)==' > constraints.new
	@{ sed -n '1,2p' constraints.txt; cat constraints.new; } > constraints.tmp && mv constraints.tmp constraints.txt && rm constraints.new

clean:
	rm -rf $(VENV) runs test-artifacts build
