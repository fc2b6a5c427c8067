# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""docs/openapi.yaml and the controllers describe the same routes and methods."""

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _routes():
    """(path, method) of every ``@http.route(api_paths("..."), methods=[...])``."""
    found = set()
    for path in sorted((ROOT / "controllers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "route"):
                continue
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Call) and getattr(first.func, "id", "") == "api_paths"):
                continue
            route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", first.args[0].value)
            methods = next(kw.value for kw in node.keywords if kw.arg == "methods")
            for method in methods.elts:
                found.add((route, method.value.lower()))
    return found


def _spec_routes():
    return {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def test_every_route_is_in_the_spec_and_every_spec_path_is_served():
    routes = _routes()
    assert routes, "no route found: the parser is broken"
    assert routes == _spec_routes(), (
        f"only in controllers: {sorted(routes - _spec_routes())}; "
        f"only in the spec: {sorted(_spec_routes() - routes)}"
    )


def test_every_operation_documents_its_errors():
    for path, method in _spec_routes():
        responses = SPEC["paths"][path][method]["responses"]
        if path != "/health":
            assert "401" in responses, (path, method)
        assert any(code.startswith("2") for code in responses), (path, method)
