#!/usr/bin/env bash
# Refreshes the screenshots of static/description/index.html from the demo database:
# starts (or reuses) the demo, plays one flow so there is a rated invoice to show, then
# photographs the Billing app with Debian's headless Chromium (installed with apt when
# absent). Look at each PNG before committing it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v chromium >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
    echo "screenshots: installing Chromium with apt"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
bash "$repo/tools/demo.sh" flow >/dev/null
FCB_DEMO_URL="http://127.0.0.1:${FCB_DEMO_PORT:-8069}" "$repo/.venv/bin/python" "$repo/tools/demo/screenshots.py"
