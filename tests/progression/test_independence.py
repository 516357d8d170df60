"""Progression stands alone (DESIGN §5, issue 10 point 5): imports flow reports →
classes → progression, never back. Apart from the string references of its models'
foreign keys ("classes.Class"), no module under progression/ names or reaches the
classes or reports app: no import, no app label, model, table or URL name, no hop
through a foreign key's `related_model` (or `remote_field`) into a model of an app
above. (tests/test_import_direction.py holds every app to the import direction.)

The classes app extends progression from its side where it must (its admin adds the
class filter, the session links and the page progress: classes/admin_progression.py).
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FOREIGN_KEYS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# Attributes that walk from a field of ours to the model it points at.
HOPS = {"related_model", "remote_field", "get_model"}


def progression_modules() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "progression").rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


ABOVE = ("classes", "reports")


def classes_tables() -> set[str]:
    """The tables of the apps above progression (classes and reports)."""
    return {
        model._meta.db_table for app in ABOVE for model in apps.get_app_config(app).get_models()
    }


def foreign_key_targets(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are a model field's `to` (first argument)."""
    targets: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in FOREIGN_KEYS:
                arguments = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "to")]
                targets.update(id(a) for a in arguments if isinstance(a, ast.Constant))
    return targets


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def reach_ins(path: Path, tables: set[str], root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed = foreign_key_targets(tree) | docstrings(tree)
    table_word = re.compile(r"\b(" + "|".join(sorted(tables - {"classes"})) + r")\b")
    found = []

    def report(node: ast.stmt | ast.expr, what: str) -> None:
        found.append(f"{path.relative_to(root)}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in (*ABOVE, "bench"):
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in (*ABOVE, "bench"):
                report(node, f"from {node.module} import …")
        elif isinstance(node, ast.Attribute) and node.attr in HOPS:
            report(node, f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id in HOPS:
            report(node, node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in allowed:
                continue
            text = node.value
            if (
                text in ABOVE
                or re.search(r"\b(classes|reports)[.:_]", text)
                or re.search(r"[.:](classes|reports)\b", text)
                or table_word.search(text)
                or text in HOPS
            ):
                report(node, repr(text))
    return found


def test_no_progression_module_reaches_into_classes():
    tables = classes_tables()
    assert {"classes", "class_attendance_sessions", "excessive_hours_resolutions"} <= tables
    found = [line for path in progression_modules() for line in reach_ins(path, tables)]
    assert found == [], "\n".join(found)


def test_the_guard_finds_a_reach_in(tmp_path):
    """The guard itself: each kind of reach-in it exists for is found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from classes.models import Class\n"
        'attendance = apps.get_model("classes", "LearnerAttendance")\n'
        'model = HoursLog._meta.get_field("klass").related_model\n'
        'url = reverse("admin:classes_attendancesession_change")\n'
        'SQL = "SELECT 1 FROM class_attendance_sessions"\n'
        'klass = models.ForeignKey("classes.Class", on_delete=models.PROTECT)\n'
        "from reports.models import ExcessiveHoursResolution\n"
        'SQL = "SELECT 1 FROM excessive_hours_resolutions"\n'
    )
    found = reach_ins(sample, classes_tables(), root=tmp_path)
    assert sorted(int(line.split(":", 2)[1]) for line in found) == [1, 2, 2, 3, 4, 5, 7, 8]
