#!/usr/bin/env bash
# Run the whole suite with the clock a year ahead and a year back: no test may depend on the
# day it runs. Needs libfaketime (Debian: apt-get install -y faketime); `make test` does not.
#   bash tests/clock_shift.sh                      # both shifts, every test
#   bash tests/clock_shift.sh tests/governance -x  # extra arguments go to pytest
# The wall clock moves for every process (Python, DuckDB's now(), the Streamlit server);
# monotonic clocks stay real so that timeouts behave.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "clock_shift: faketime not found (apt-get install -y faketime)" >&2; exit 2; }
make --quiet .venv/.installed

# libfaketime 0.9.10 rejects the absolute monotonic deadline that time.sleep hands to
# clock_nanosleep (EINVAL) when monotonic time is left real; a relative wait sleeps the same.
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
cat > "$shim/sitecustomize.py" <<'PY'
import select
import time


def _sleep(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
PY

status=0
for shift in +365d -365d; do
    echo "== clock moved ${shift} (now $(faketime -f "${shift}" date -u +%F))"
    FAKETIME_DONT_FAKE_MONOTONIC=1 PYTHONPATH="$shim${PYTHONPATH:+:$PYTHONPATH}" \
        faketime -f "${shift}" .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
done
exit $status
