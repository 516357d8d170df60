"""The class monthly report's class search: a bounded list of links whatever the number
of classes, by code, that keep the month; hostile search text is answered, never a 500."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.class_search import (
    CLASSES_SHOWN,
    SEARCH_MAX_LENGTH,
    SEARCH_TOO_LONG,
    ClassSearch,
)
from reports.views.reports import CLASS_NOT_FOUND
from tests.factories import ClassFactory, UserFactory
from tests.reports.report_data import office_admin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

URL = reverse("reports:class_monthly")


@dataclass
class Match:
    code: str
    href: str
    detail: str

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.href).query))


class _Matches(HTMLParser):
    """The links of the page's list of classes (ul.match-list) and its other links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.matches: list[Match] = []
        self.links: dict[str, str] = {}  # text → href, outside the list
        self.in_list = False
        self.href: str | None = None
        self.text: list[str] = []
        self.in_detail = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and attrs.get("class") == "match-list":
            self.in_list = True
        elif tag == "a":
            self.href, self.text = attrs.get("href"), []
        elif tag == "span" and self.in_list and attrs.get("class") == "sub":
            self.in_detail = True

    def handle_endtag(self, tag):
        if tag == "ul":
            self.in_list = False
        elif tag == "a" and self.href is not None:
            text = "".join(self.text).strip()
            if self.in_list:
                self.matches.append(Match(text, self.href, ""))
            else:
                self.links[" ".join(text.split())] = self.href
            self.href = None
        elif tag == "span":
            self.in_detail = False

    def handle_data(self, data):
        if self.href is not None:
            self.text.append(data)
        elif self.in_detail:
            self.matches[-1].detail += data


def read(response) -> _Matches:
    assert response.status_code == 200
    reader = _Matches()
    reader.feed(response.content.decode())
    return reader


def codes(response) -> list[str]:
    return [m.code for m in read(response).matches]


@pytest.fixture
def staff(client):
    client.force_login(office_admin())
    return client


@pytest.fixture
def three_classes():
    facilitator = UserFactory(first_name="Thandi", last_name="Mokoena")
    return [
        ClassFactory(code="JHB-002", client__name="Sasol Mining", facilitator=facilitator),
        ClassFactory(code="PTA-001", client__name="Acme Jhb Works", facilitator=facilitator),
        ClassFactory(code="JHB-001", client__name="Mzansi (Pty) Ltd", facilitator=facilitator),
    ]


def test_code_or_client_contains_the_text_in_any_case(staff, three_classes):
    assert codes(staff.get(URL, {"q": "jhb"})) == ["JHB-001", "JHB-002", "PTA-001"]
    assert codes(staff.get(URL, {"q": "  SASOL "})) == ["JHB-002"]
    assert codes(staff.get(URL, {"q": "-00"})) == ["JHB-001", "JHB-002", "PTA-001"]
    # LIKE's wildcards are text like any other.
    assert codes(staff.get(URL, {"q": "%"})) == []
    assert codes(staff.get(URL, {"q": "JHB_"})) == []
    page = staff.get(URL, {"q": "nothing like it"}).content.decode()
    assert "No class code or client name contains “nothing like it”" in page


def test_each_class_links_to_its_report_for_the_month(staff, three_classes):
    jhb_1 = three_classes[2]
    [match] = read(staff.get(URL, {"q": "JHB-001", "month": "2026-01"})).matches

    assert match.query == {"class": str(jhb_1.pk), "month": "2026-01"}
    assert " ".join(match.detail.split()) == "Mzansi (Pty) Ltd · Thandi Mokoena"
    report = staff.get(URL + match.href)
    assert "JHB-001, January 2026" in report.content.decode()
    # A bad month is this month, in the links too.
    [match] = read(staff.get(URL, {"q": "JHB-001", "month": "2026-13"})).matches
    assert match.query["month"] == "2026-03"


def test_without_classes_the_page_says_so(staff):
    assert "There is no class yet." in staff.get(URL).content.decode()


def test_without_a_search_the_first_classes_by_code(staff, three_classes):
    page = staff.get(URL)
    assert codes(page) == ["JHB-001", "JHB-002", "PTA-001"]
    assert "More classes match" not in page.content.decode()


def test_the_list_is_bounded_and_the_next_classes_follow_the_last_code(staff):
    ClassFactory.create_batch(CLASSES_SHOWN * 2 + 5)
    every = sorted(ClassFactory._meta.model.objects.values_list("code", flat=True))

    with CaptureQueriesContext(connection) as queries:
        first = read(staff.get(URL, {"month": "2026-02"}))
    assert [m.code for m in first.matches] == every[:CLASSES_SHOWN]
    # Whether there are more is one row more, never a count of the classes.
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]

    following = first.links[f"see the next {CLASSES_SHOWN}"]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(following).query) == {
        "month": ["2026-02"],
        "after": [every[CLASSES_SHOWN - 1]],
    }
    second = read(staff.get(URL + following))
    assert [m.code for m in second.matches] == every[CLASSES_SHOWN : CLASSES_SHOWN * 2]
    third = read(staff.get(URL + second.links[f"see the next {CLASSES_SHOWN}"]))
    assert [m.code for m in third.matches] == every[CLASSES_SHOWN * 2 :]
    assert f"see the next {CLASSES_SHOWN}" not in third.links
    assert third.links["Back to the first classes"] == "?month=2026-02"


def test_the_next_classes_keep_the_search(staff):
    for n in range(CLASSES_SHOWN + 3):
        ClassFactory(code=f"N-{n:03d}", client__name=f"Needle & Co {n}")
    ClassFactory(code="N-999", client__name="Haystack")

    first = read(staff.get(URL, {"q": "needle & co"}))
    assert len(first.matches) == CLASSES_SHOWN
    second = read(staff.get(URL + first.links[f"see the next {CLASSES_SHOWN}"]))
    assert [m.code for m in second.matches] == ["N-020", "N-021", "N-022"]


def test_the_query_count_does_not_grow_with_the_classes(staff, django_assert_num_queries):
    ClassFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert len(codes(staff.get(URL, {"q": "CLS"}))) == 3
    with CaptureQueriesContext(connection) as few_unsearched:
        assert len(codes(staff.get(URL))) == 3

    ClassFactory.create_batch(CLASSES_SHOWN * 3)
    with django_assert_num_queries(len(few)):
        assert len(codes(staff.get(URL, {"q": "CLS"}))) == CLASSES_SHOWN
    with django_assert_num_queries(len(few_unsearched)):
        assert len(codes(staff.get(URL))) == CLASSES_SHOWN


def test_a_search_too_long_is_refused_with_a_message(staff, three_classes):
    longest = "JHB-001".ljust(SEARCH_MAX_LENGTH, "z")
    assert codes(staff.get(URL, {"q": longest})) == []  # no match, but a search

    response = staff.get(URL, {"q": "x" * 10_000})
    page = response.content.decode()
    assert SEARCH_TOO_LONG in page
    assert codes(response) == []
    assert 'id="class-matches-heading"' not in page  # no list to show
    assert "x" * (SEARCH_MAX_LENGTH + 1) not in page  # what is shown back is bounded
    assert 'aria-invalid="true"' in page
    assert SEARCH_TOO_LONG not in staff.get(URL, {"q": longest}).content.decode()


@pytest.mark.parametrize(
    "text", ["'\"<x>", "a\nb", "²", "\\", "' OR 1=1 --", "%_%", "Mzansi (Pty"], ids=repr
)
def test_hostile_search_text_is_searched_as_text(staff, three_classes, text):
    response = staff.get(URL, {"q": text, "after": text, "month": text})
    assert response.status_code == 200
    assert "<x>" not in response.content.decode()


def test_a_chosen_class_shows_its_code_and_a_way_to_choose_another(staff, three_classes):
    klass = three_classes[0]
    page = read(staff.get(URL, {"class": klass.pk, "month": "2026-02"}))

    assert page.matches == []  # no search while a class is shown
    assert page.links["Choose another class"] == "?month=2026-02"
    assert "Class <strong>JHB-002</strong>" in staff.get(URL, {"class": klass.pk}).content.decode()
    assert codes(staff.get(URL + page.links["Choose another class"])) == [
        "JHB-001",
        "JHB-002",
        "PTA-001",
    ]


def test_an_unknown_class_says_so_above_the_search(staff, three_classes):
    response = staff.get(URL, {"class": 999_999, "q": "PTA"})
    assert CLASS_NOT_FOUND in response.content.decode()
    assert codes(response) == ["PTA-001"]


def test_the_search_reads_a_query_string_without_failing():
    assert ClassSearch.from_query({}) == ClassSearch()
    assert ClassSearch.from_query({"q": " \tab\x00c  "}) == ClassSearch(q="abc")
    search = ClassSearch.from_query({"q": "y" * 5000, "after": "z" * 5000})
    assert search == ClassSearch(q="y" * SEARCH_MAX_LENGTH, after="z" * 50, too_long=True)
    assert ClassSearch.from_query({"q": ["not", "text"]}) == ClassSearch()
