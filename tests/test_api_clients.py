# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The official Lago clients, unmodified, against this Odoo's HTTP server."""

import os
import resource
import subprocess
from pathlib import Path

from odoo.tests import tagged

from .api_common import ApiCommon

REPO = Path(__file__).resolve().parents[1]


def _lift_memory_limit():
    """Odoo caps its own address space (limit_memory_hard); Node reserves far more
    virtual memory than it uses, so the child gets the hard limit back."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


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

    def test_lago_javascript_client_full_flow(self):
        clients = REPO / "tests" / "clients"
        if not (clients / "node_modules" / "lago-javascript-client").exists():
            self.fail(f"run `npm ci --prefix {clients}` first (tools/odoo-tier.sh does)")
        with self.allow_requests(all_requests=True):
            run = subprocess.run(
                ["node", str(clients / "lago_js_flow.mjs"), f"{self.base_url()}/api/billing/v1",
                 self.key, self.other_key],
                capture_output=True, text=True, timeout=120, check=False, cwd=clients,
                preexec_fn=_lift_memory_limit,  # noqa: PLW1509 - no threads started here
            )
        self.assertEqual(run.returncode, 0, f"{run.stdout}\n{run.stderr}")
        self.assertIn("lago-javascript-client flow: ok", run.stdout)

    def test_schemathesis_all_checks_and_the_stateful_phase_find_nothing(self):
        """Fuzz every route of docs/openapi.yaml against the live server with every check
        schemathesis has (server errors, status codes, content types, headers, response
        schemas, negative and positive data, missing headers, unsupported methods and
        their Allow header, use after free, resource availability, ignored auth, object
        level authorization) and its stateful phase (links between the operations): no
        finding.

        The seed is fixed (FCB_SCHEMATHESIS_SEED to try another). Positive data
        acceptance runs as ``tests/schemathesis_hooks.py`` words it: a 422
        whose every error comes from what is stored (an unknown subscription, a used
        transaction id, a timestamp after the end...) is the contract's answer; any
        other refusal of a request the spec allows is a finding.
        """
        self.customer()
        self.subscribe()
        schemathesis = REPO / ".venv" / "bin" / "schemathesis"
        self._venv_python()
        env = {**os.environ, "SCHEMATHESIS_HOOKS": str(REPO / "tests" / "schemathesis_hooks.py")}
        # On a moved clock (tools/odoo-tier.sh --clock), the fuzzer runs on the real one:
        # libfaketime 0.9.10 never returns from Python's timed lock waits (libfaketime
        # issue 390), which schemathesis' stateful phase makes. Only the server's clock
        # matters to what it answers.
        for name in ("LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE", "DONT_FAKE_MONOTONIC"):
            env.pop(name, None)
        with self.allow_requests(all_requests=True):
            run = subprocess.run(
                [str(schemathesis), "run", str(REPO / "docs" / "openapi.yaml"),
                 "--url", f"{self.base_url()}/api/billing/v1",
                 "--header", f"Authorization: Bearer {self.key}",
                 "--checks", "all", "--exclude-checks", "positive_data_acceptance",
                 "--max-examples", "10", "--phases", "examples,coverage,fuzzing,stateful",
                 "--seed", os.environ.get("FCB_SCHEMATHESIS_SEED", "2026"), "--no-color"],
                capture_output=True, text=True, timeout=1200, check=False, cwd=REPO, env=env,
            )
        # The whole report, for reading every finding (the assertion shows its end).
        Path(os.environ.get("FCB_SCHEMATHESIS_REPORT", "/tmp/fcb-schemathesis.txt")).write_text(
            run.stdout + run.stderr, encoding="utf-8")
        self.assertEqual(run.returncode, 0, run.stdout[-6000:] + run.stderr[-2000:])
        self.assertIn("Stateful", run.stdout)
        self.assertNotIn("Failures:", run.stdout)
