# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Static checks of the module's own files, without Odoo.

Models are read with ``ast`` (class attributes ``x = fields.Y(...)``), views and data
with ElementTree, so a typo in a view, a missing ACL line or pre-19 syntax fails here,
on any machine, before Odoo ever loads the module.
"""

import ast
import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "tests" / "standins"
MANIFEST = ast.literal_eval((ROOT / "__manifest__.py").read_text())
# Fields every model has (odoo/orm/models.py: MAGIC_COLUMNS, display_name).
MAGIC_FIELDS = {"id", "display_name", "create_date", "create_uid", "write_date", "write_uid"}
# Fields of native models our views show without defining them (checked in Odoo 19 sources).
NATIVE_FIELDS = {
    "sale.order": {"name", "partner_id", "state", "company_id", "currency_id"},
    "mail.thread": {"message_ids", "message_follower_ids"},
}


def _python_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _model_classes(paths):
    """Yield ``(names, fields)`` per model class: the model names it defines or extends,
    and ``{field name: comodel or None}``."""
    for path in paths:
        tree = ast.parse(path.read_text())
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            names, fields = [], {}
            for stmt in cls.body:
                if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                    continue
                target = getattr(stmt.targets[0], "id", None)
                value = stmt.value
                if target == "_name" and _string(value):
                    names = [_string(value)]
                elif target == "_inherit" and not names:
                    items = value.elts if isinstance(value, ast.List) else [value]
                    names = [_string(item) for item in items if _string(item)]
                elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                      and getattr(value.func.value, "id", None) == "fields"):
                    comodel = _string(value.args[0]) if value.args else None
                    for kw in value.keywords:
                        if kw.arg == "comodel_name":
                            comodel = _string(kw.value)
                    fields[target] = comodel
            if names:
                yield cls, names, fields


def _mixins(paths):
    """Yield ``(model, mixin)`` for each class that names a model and inherits mixins
    (``_name = "res.partner"``, ``_inherit = ["res.partner", "some.mixin"]``)."""
    for path in paths:
        tree = ast.parse(path.read_text())
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            values = {getattr(stmt.targets[0], "id", None): stmt.value for stmt in cls.body
                      if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1}
            name, inherit = _string(values.get("_name")), values.get("_inherit")
            if name and isinstance(inherit, ast.List):
                for item in inherit.elts:
                    if _string(item) and _string(item) != name:
                        yield name, _string(item)


def _index_fields():
    index = {model: set(names) for model, names in NATIVE_FIELDS.items()}
    comodels = {}
    paths = list(_python_files("models", "wizard")) + list(STANDINS.rglob("*.py"))
    for _cls, names, fields in _model_classes(paths):
        for model in names:
            index.setdefault(model, set()).update(fields)
            for field, comodel in fields.items():
                comodels[(model, field)] = comodel
    for model, mixin in _mixins(paths):
        index.setdefault(model, set()).update(index.get(mixin, ()))
    return index, comodels


FIELDS, COMODELS = _index_fields()
def _is_abstract(cls):
    return any(getattr(base, "attr", None) == "AbstractModel" for base in cls.bases)


# Models with a table: abstract mixins need no access rights.
OWN_MODELS = sorted({
    names[0] for cls, names, _f in _model_classes(_python_files("models", "wizard"))
    if names and names[0].startswith("fusion.billing.") and not _is_abstract(cls)
})


def _fields_of(model):
    known = FIELDS.get(model, set()) | MAGIC_FIELDS
    # Every fusion.billing model with a chatter inherits mail.thread.
    return known | FIELDS["mail.thread"]


def _xml_files():
    return [ROOT / name for name in MANIFEST["data"] + MANIFEST.get("demo", [])
            if name.endswith(".xml")]


def _views():
    for path in _xml_files():
        for record in ET.parse(path).getroot().iter("record"):
            if record.get("model") != "ir.ui.view":
                continue
            model = record.find("field[@name='model']").text
            arch = record.find("field[@name='arch']")
            yield path.name, record.get("id"), model, arch


def _field_uses(node, model):
    """Yield ``(model, field)`` for each ``<field>`` of a view, following x2many sub-views
    to their comodel."""
    for child in node:
        if child.tag == "field":
            name = child.get("name")
            yield model, name
            comodel = COMODELS.get((model, name))
            for sub in child:
                yield from _field_uses(sub, comodel or f"<unknown comodel of {model}.{name}>")
        else:
            yield from _field_uses(child, model)


# === MANIFEST === #

def test_manifest_is_complete_and_versioned_for_odoo_19():
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", MANIFEST["version"])
    assert MANIFEST["name"] == "Fusion Centralized Billing"
    assert MANIFEST["license"] == "LGPL-3"
    for key in ("summary", "author", "website", "category", "depends", "data",
                "external_dependencies"):
        assert MANIFEST.get(key), key
    assert set(MANIFEST["depends"]) == {
        "account_accountant", "sale_subscription", "sale_management", "payment_stripe"}


@pytest.mark.parametrize("name", MANIFEST["data"] + MANIFEST.get("demo", []))
def test_every_manifest_file_exists_and_parses(name):
    path = ROOT / name
    assert path.is_file(), name
    if name.endswith(".xml"):
        assert ET.parse(path).getroot().tag == "odoo"
    elif name.endswith(".csv"):
        rows = list(csv.reader(path.open()))
        assert rows and all(len(row) == len(rows[0]) for row in rows)


def test_xml_files_that_exist_are_all_loaded():
    listed = {ROOT / name for name in MANIFEST["data"] + MANIFEST.get("demo", [])}
    for folder in ("views", "security", "data", "wizard", "demo"):
        for path in (ROOT / folder).glob("*.xml"):
            assert path in listed, f"{path.relative_to(ROOT)} is not in the manifest"


def test_every_python_file_carries_the_licence_header():
    for path in _python_files("engine", "models", "controllers", "wizard", "bench"):
        assert "License LGPL-3.0" in path.read_text().split("\n", 3)[1], path


# === SECURITY === #

def _acl_rows():
    with (ROOT / "security" / "ir.model.access.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_acl_header_is_odoo_s():
    with (ROOT / "security" / "ir.model.access.csv").open() as handle:
        assert next(csv.reader(handle)) == [
            "id", "name", "model_id:id", "group_id:id",
            "perm_read", "perm_write", "perm_create", "perm_unlink"]


@pytest.mark.parametrize("model", OWN_MODELS)
def test_every_model_has_an_acl_line_for_billing_administrators(model):
    xmlid = "model_" + model.replace(".", "_")
    groups = {row["group_id:id"] for row in _acl_rows() if row["model_id:id"] == xmlid}
    assert "group_fusion_billing_manager" in groups, model


def test_acl_lines_reference_real_models_and_unique_ids():
    rows = _acl_rows()
    assert len({row["id"] for row in rows}) == len(rows)
    known = {"model_" + m.replace(".", "_") for m in OWN_MODELS}
    for row in rows:
        ref = row["model_id:id"]
        assert ref in known or ref.startswith("sale_subscription."), ref
        assert all(row[p] in ("0", "1") for p in ("perm_read", "perm_write", "perm_create",
                                                     "perm_unlink"))


def test_billing_users_cannot_create_keys_and_secrets_are_restricted():
    rows = {row["id"]: row for row in _acl_rows()}
    assert rows["access_fusion_billing_service_key_user"]["perm_create"] == "0"
    assert rows["access_fusion_billing_service_user"]["perm_write"] == "0"
    service = (ROOT / "models" / "fusion_billing_service.py").read_text()
    assert re.search(r"webhook_secret = fields\.Char\([^)]*groups=MANAGER_GROUP", service, re.S)
    key = (ROOT / "models" / "fusion_billing_service_key.py").read_text()
    assert re.search(r'key_hash = fields\.Char\([^)]*groups="base\.group_system"', key, re.S)


def test_every_company_dependent_model_has_a_multi_company_rule():
    rules = ET.parse(ROOT / "security" / "fusion_billing_rules.xml").getroot()
    covered = {r.find("field[@name='model_id']").get("ref") for r in rules.iter("record")}
    for model in OWN_MODELS:
        if "company_id" in FIELDS[model]:
            assert "model_" + model.replace(".", "_") in covered, model


# === VIEWS === #

VIEWS = list(_views())


@pytest.mark.parametrize("view", VIEWS, ids=[v[1] for v in VIEWS])
def test_every_field_in_a_view_exists_on_its_model(view):
    _file, _xmlid, model, arch = view
    missing = [f"{m}.{f}" for m, f in _field_uses(arch, model) if f not in _fields_of(m)]
    assert not missing


@pytest.mark.parametrize("path", _xml_files(), ids=lambda p: p.name)
def test_no_pre_19_view_syntax(path):
    text = path.read_text()
    for pattern in (r"<tree\b", r"\battrs=", r"\bstates=", r"\bgroups_id\b",
                    r'<group[^>]*\bexpand=', r"kanban-box"):
        assert not re.search(pattern, text), f"{pattern} in {path.name}"
    for record in ET.parse(path).getroot().iter("record"):
        if record.get("model") == "res.groups":
            names = {field.get("name") for field in record.iter("field")}
            assert not names & {"category_id", "users", "groups_id"}, record.get("id")
            assert "privilege_id" in names, record.get("id")


def test_no_pre_19_python():
    for path in _python_files("models", "wizard", "controllers"):
        text = path.read_text()
        assert "_sql_constraints" not in text, path
        assert not re.search(r"type=['\"]json['\"]", text), path
        assert "name_get" not in text and "read_group(" not in text.replace("_read_group(", "")
        assert "self._cr" not in text and "self._context" not in text, path


def test_every_action_view_mode_names_views_that_exist():
    view_types = {(model, arch[0].tag) for _f, _x, model, arch in VIEWS}
    for path in _xml_files():
        for record in ET.parse(path).getroot().iter("record"):
            if record.get("model") != "ir.actions.act_window":
                continue
            model = record.find("field[@name='res_model']").text
            modes = record.find("field[@name='view_mode']").text.split(",")
            for mode in modes:
                if model.startswith("fusion.billing.") and mode != "form" or mode in (
                        "pivot", "graph"):
                    assert (model, mode) in view_types, f"{model} has no {mode} view"


def test_every_list_action_says_what_will_appear_when_empty():
    for path in _xml_files():
        for record in ET.parse(path).getroot().iter("record"):
            if record.get("model") != "ir.actions.act_window":
                continue
            modes = record.find("field[@name='view_mode']").text.split(",")
            if "list" in modes:
                help_field = record.find("field[@name='help']")
                assert help_field is not None and len(help_field), record.get("id")


# === ENGINE === #

def test_engine_never_imports_odoo():
    for path in _python_files("engine"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            assert not any(n == "odoo" or n.startswith("odoo.") for n in names), path


def test_engine_imports_only_the_standard_library_and_itself():
    import sys
    for path in _python_files("engine"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names, f"{path.name} imports {root}"


def test_stand_ins_say_they_are_stand_ins():
    for path in STANDINS.rglob("*.py"):
        assert "TEST STAND-IN" in path.read_text().split("\n", 1)[0], path
