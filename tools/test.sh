#!/usr/bin/env bash
# The project's test command: the pure tier (pytest over engine/ and static checks of the
# module's files). Works on a fresh machine: it creates .venv and installs
# requirements-test.txt into it first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
exec .venv/bin/python -m pytest "$@"
