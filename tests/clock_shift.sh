#!/usr/bin/env bash
# Run the whole suite with the clock a year ahead and a year back: no test may depend on the
# day it runs. Needs libfaketime (Debian: apt-get install -y faketime); `make test` does not.
#   bash tests/clock_shift.sh                      # both shifts, every test
#   bash tests/clock_shift.sh tests/governance -x  # extra arguments go to pytest
# The wall clock moves for the product's processes (Python, DuckDB's now(), the Streamlit
# server); the browser and its driver keep the real clock, as a user's browser would, and
# monotonic clocks stay real so that timeouts behave.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "clock_shift: faketime not found (apt-get install -y faketime)" >&2; exit 2; }
make --quiet .venv/.installed

# libfaketime 0.9.10 rejects the absolute monotonic deadline that time.sleep hands to
# clock_nanosleep (EINVAL) when monotonic time is left real; a relative wait sleeps the same.
# Playwright's driver (node) and the chromium it starts are launched without libfaketime:
# chromium's crash handler aborts under it, and a user's browser keeps the real clock anyway.
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
cat > "$shim/sitecustomize.py" <<'PY'
import os
import select
import subprocess
import time


def _sleep(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep

_popen_init = subprocess.Popen.__init__


def _popen_without_faketime_for_the_browser(self, args, *rest, **kwargs):
    program = os.path.basename(str(args[0] if isinstance(args, (list, tuple)) else args))
    if program in {"node", "chromium", "chrome"}:
        env = dict(kwargs.get("env") or os.environ)
        env.pop("LD_PRELOAD", None)
        kwargs["env"] = env
    _popen_init(self, args, *rest, **kwargs)


subprocess.Popen.__init__ = _popen_without_faketime_for_the_browser
PY

status=0
for shift in +365d -365d; do
    echo "== clock moved ${shift} (now $(faketime -f "${shift}" date -u +%F))"
    FAKETIME_DONT_FAKE_MONOTONIC=1 PYTHONPATH="$shim${PYTHONPATH:+:$PYTHONPATH}" \
        faketime -f "${shift}" .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
done
exit $status
