"""Reading the report pages and their CSVs back, to compare what people see.

A report page marks every value it shows that is also a CSV column with `data-col`
(a <time>'s value is its `datetime`); a row of the CSV is a `data-row` element, and
values outside it belong to the enclosing `data-group` elements (the backlog's
facilitator and class) or, outside any group, to the page's header (the class
monthly report's heading). `data-metric` names the progress, attendance and page
percentages of a `data-progression` row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from attendance_project.csv_export import BOM

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
MISSING = "–"


def cell(text: str) -> str:
    """A page value as the CSV writes it: no "%" unit, and "–" (nothing) is empty."""
    text = " ".join(text.split()).removesuffix("%")
    return "" if text == MISSING else text


@dataclass
class _Open:
    tag: str
    col: list[str] | None = None  # collecting this element's text
    time_value: str | None = None
    row: bool = False
    group: list[str] | None = None
    metric: str | None = None
    progression: str | None = None


@dataclass
class PageValues:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    # progression id → metric → value, e.g. {"17": {"progress": "100.0"}}
    metrics: dict[str, dict[str, str]] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = PageValues()
        self.stack: list[_Open] = []
        self.row: list[str] | None = None
        self.row_progression: str | None = None
        self.svg_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag == "svg" or self.svg_depth:
            self.svg_depth += 1
            return
        attrs = dict(attrs)
        node = _Open(tag)
        if "data-row" in attrs:
            node.row = True
            self.row = []
            self.row_progression = attrs.get("data-progression")
        if "data-group" in attrs:
            node.group = []
        if "data-col" in attrs:
            node.col = []
            node.time_value = attrs.get("datetime") if tag == "time" else None
            node.metric = attrs.get("data-metric")
        self.stack.append(node)

    def handle_endtag(self, tag):
        if self.svg_depth:
            self.svg_depth -= 1
            return
        if tag in VOID or not self.stack:
            return
        node = self.stack.pop()
        assert node.tag == tag, f"</{tag}> closes <{node.tag}>: keep report templates well formed"
        if node.col is not None:
            value = node.time_value if node.time_value is not None else cell("".join(node.col))
            self._add(value, node.metric)
        if node.row:
            groups = [
                value for open_ in self.stack if open_.group is not None for value in open_.group
            ]
            self.values.rows.append(groups + self.row)
            self.row = None

    def handle_data(self, data):
        if self.svg_depth:
            return
        for node in self.stack:
            if node.col is not None:
                node.col.append(data)

    def _add(self, value, metric):
        if metric and self.row_progression:
            self.values.metrics.setdefault(self.row_progression, {})[metric] = value
        if self.row is not None:
            self.row.append(value)
            return
        for node in reversed(self.stack):
            if node.group is not None:
                node.group.append(value)
                return
        self.values.header.append(value)


def page_values(response) -> PageValues:
    reader = _Reader()
    reader.feed(response.content.decode())
    reader.close()
    return reader.values


def csv_table(response) -> list[list[str]]:
    """The CSV download parsed back: checks the BOM and returns every line."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.removeprefix(BOM))))
