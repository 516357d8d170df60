"""Imports flow one way (DESIGN §5): reports → classes → progression → learners.

No module of an app (its migrations included: a migration of classes that imported
reports would make the app below need the one above) imports an app above it, nor
reaches it through `apps.get_model`, nor names its URLs. `submissions` sits below
every app. The project package (`attendance_project`: settings, URL conf, shared
helpers) is not an app and is not layered here. tests/progression/test_independence.py
is the stricter guard of progression (no app label, table or foreign-key hop either).
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Higher layers may import lower ones, never the reverse.
LAYERS = {
    "submissions": 0,
    "learners": 1,
    "progression": 2,
    "classes": 3,
    "reports": 4,
    "billing": 4,
    # Learner records and POPIA (issue 16): the access log the reports write to.
    "records": 4,
    # Alerts read the reports' lists (issue 15).
    "alerts": 5,
}


def upward_references(path: Path, app: str, root: Path = ROOT) -> list[str]:
    """Imports of, `get_model` calls into and URL names of the apps above `app`."""
    above = {name for name, layer in LAYERS.items() if layer > LAYERS[app]}
    url_name = re.compile(r"^(" + "|".join(sorted(above)) + r"):\w")
    found = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in above:
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").split(".")[0] in above:
                report(node, f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            first = node.args[0] if node.args else None
            if (
                name in ("get_model", "import_module")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.split(".")[0] in above
            ):
                report(node, f"{name}({first.value!r})")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and url_name.match(node.value)
        ):
            report(node, repr(node.value))
    return found


def app_modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def test_no_app_reaches_an_app_above_it():
    found = [
        line for app in LAYERS for path in app_modules(app) for line in upward_references(path, app)
    ]
    assert found == [], "\n".join(found)


def test_the_reports_app_sits_above_classes():
    # The layers name every app of ours (a new one must take its place here).
    ours = {a.split(".")[0] for a in settings.INSTALLED_APPS if (ROOT / a).is_dir()}
    assert ours <= set(LAYERS), sorted(ours - set(LAYERS))
    assert LAYERS["reports"] > LAYERS["classes"] > LAYERS["progression"] > LAYERS["learners"]


def test_the_guard_finds_an_upward_reference(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from reports.models import ExcessiveHoursResolution\n"
        "import reports.services\n"
        'model = apps.get_model("reports", "ExcessiveHoursResolution")\n'
        'url = reverse("reports:excessive_hours")\n'
        "from classes.models import Class\n"
        'text = "the reports: one per page"\n'
    )
    found = upward_references(sample, "classes", root=tmp_path)
    assert sorted(int(line.split(":", 2)[1]) for line in found) == [1, 2, 3, 4]
