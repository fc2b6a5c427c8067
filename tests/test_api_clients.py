# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The official Lago clients, unmodified, against this Odoo's HTTP server."""

import subprocess
from pathlib import Path

from odoo.tests import tagged

from .api_common import ApiCommon

REPO = Path(__file__).resolve().parents[1]


@tagged("post_install", "-at_install")
class TestApiClients(ApiCommon):
    def _venv_python(self):
        """The project's .venv (``bash tools/test.sh`` creates it with the clients)."""
        python = REPO / ".venv" / "bin" / "python"
        if not python.exists():
            self.fail(f"{python} is missing: run `bash tools/test.sh` first (CI does)")
        return str(python)

    def test_lago_python_client_full_flow(self):
        script = REPO / "tests" / "clients" / "lago_python_flow.py"
        # A client outside the test carries no test cookie: let every request in.
        with self.allow_requests(all_requests=True):
            run = subprocess.run(
                [self._venv_python(), str(script), f"{self.base_url()}/api/billing/",
                 self.key, self.other_key],
                capture_output=True, text=True, timeout=120, check=False,
            )
        self.assertEqual(run.returncode, 0, f"{run.stdout}\n{run.stderr}")
        self.assertIn("lago-python-client flow: ok", run.stdout)
