#!/usr/bin/env bash
# Run the whole suite with the clock a year ahead and a year back: no test may depend on the
# day it runs. Needs libfaketime (Debian: apt-get install -y faketime); `make test` does not.
#   bash tests/clock_shift.sh            # both shifts, every test
#   bash tests/clock_shift.sh tests/governance -x   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "clock_shift: faketime not found (apt-get install -y faketime)" >&2; exit 2; }
make --quiet .venv/.installed
status=0
for shift in +365d -365d; do
    echo "== clock moved ${shift} (now $(faketime -f "${shift}" date -u +%F))"
    # Monotonic clocks stay real so timeouts and sleeps behave; only the calendar moves.
    FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "${shift}" \
        .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
done
exit $status
