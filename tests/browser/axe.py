"""axe-core in the browser tests (issue 12): the accessibility rules a page breaks.

axe-playwright-python bundles axe-core and runs it in the page through Playwright
(the DevTools protocol, which the page's Content-Security-Policy does not govern).
A page fails on a serious or critical finding; moderate and minor ones are kept in
the summary, to be read, not to fail on.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

FAILING_IMPACTS = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
# axe-core 4.14 runs label-content-name-mismatch (a control whose visible text is not
# in its accessible name, e.g. "‹ Oct" named "Previous month") by default; the 4.12.1
# that axe-playwright-python 0.1.8 bundles still tags it experimental and skips it.
# It is the only rule the two versions run differently, so with it on, the bundled
# version checks what 4.14 does. AXE_CORE_JS=path/to/axe.min.js runs another build.
OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}

_AXE = Axe.from_file(os.environ["AXE_CORE_JS"]) if os.environ.get("AXE_CORE_JS") else Axe()


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) {self.help}: {', '.join(self.targets)}"


def findings(page, name: str) -> list[Finding]:
    """What axe-core finds in the page as it is now, named `name` in the report."""
    # Measured once the stylesheet applies: contrast and hidden elements depend on it.
    page.wait_for_load_state()
    results = _AXE.run(page, options=OPTIONS)
    return [
        Finding(
            page=name,
            rule=violation["id"],
            impact=violation["impact"] or "minor",
            help=violation["help"],
            targets=tuple(" ".join(node["target"]) for node in violation["nodes"]),
        )
        for violation in results.response["violations"]
    ]


class Audit:
    """Runs axe-core on each page a test visits and keeps what it found."""

    def __init__(self, page):
        self.page = page
        self.found: list[Finding] = []
        self.pages: list[str] = []

    def check(self, name: str) -> None:
        self.pages.append(name)
        self.found.extend(findings(self.page, name))

    def failing(self) -> list[str]:
        return [str(f) for f in self.found if f.impact in FAILING_IMPACTS]

    def summary(self) -> str:
        """One line per page: how many findings of each impact (one per rule)."""
        counts = Counter((f.page, f.impact) for f in self.found)
        return "\n".join(
            f"{name}: " + ", ".join(f"{counts[name, impact]} {impact}" for impact in IMPACTS)
            for name in self.pages
        )

    def report(self) -> str:
        """The summary, then every finding (minor ones too), for the test's output."""
        return "\n".join([self.summary(), *map(str, self.found)])

    def assert_no_failures(self) -> None:
        assert self.pages, "no page was checked"
        failing = self.failing()
        assert not failing, "axe-core found:\n" + "\n".join(failing) + "\n\n" + self.summary()
