# omniact: set-up, tests, benchmarks and the built-in suite.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
# gcc and python3-dev: the compiled judge (scoring/_judge.c), built by the install below.
APT_PACKAGES = chromium fonts-dejavu-core fonts-liberation2 fonts-noto-core tesseract-ocr xvfb gcc python3-dev
# torch is pinned in the same install as transformers: an unpinned torch pulls a multi-GB CUDA build.
EXTRAS = test,sandbox,agents,local-models,detact,tesseract,ray,dev

.PHONY: setup system-packages test test-fast bench tasks verify-suite lint

# An editable install leaves bytecode to be written at first import, which never happens where
# PYTHONDONTWRITEBYTECODE is set: compile once here, so each `omniact` start reads bytecode as after a normal install.
# editable_mode=compat: the project folder goes on sys.path (a .pth line) instead of setuptools' import hook,
# which Python consults only after the current folder: with the hook, `python` started beside a data copy named
# `omniact` (`~/omniact`) imported that folder as an empty namespace package instead of ours.
setup: system-packages
	$(PIP) install -q -e ".[$(EXTRAS)]" --config-settings editable_mode=compat
	$(PYTHON) -m compileall -q omniact scoring agents >/dev/null

# System packages (Chromium for replay, fonts for deterministic rendering, Tesseract, Xvfb, a C compiler). Needs root;
# skipped with a note when apt-get is unavailable.
system-packages:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; fi; \
	else echo "note: not root or no apt-get; install these yourself: $(APT_PACKAGES)"; fi

# Three workers on two cores: much of the suite waits (paused jobs, timeouts, a browser or a cluster starting), and a
# third worker fills those waits (7.7-11.4 min against 12.7-12.9 min with two, on this 2-core machine, same day).
test:
	$(PYTHON) -m pytest -q -n 3 --dist loadfile

test-fast:
	$(PYTHON) -m pytest -q -n 3 --dist loadfile -m "not browser and not slow"

bench:
	$(PYTHON) bench/run.py

tasks:
	$(PYTHON) tasks/build.py

# Replay every built-in task: gold succeeds, empty fails, moved clicks fail (about 2,400 replays).
verify-suite:
	$(PYTHON) tasks/build.py --no-render --verify

lint:
	$(PYTHON) -m ruff check omniact scoring agents tests bench
