"""Who may open the reports: staff with reports.view_reports only.

Facilitators get 403 (the reports are no secret, unlike another facilitator's class;
see docs/decisions.md), anonymous users the login page. Every report URL is also in
the project-wide access matrix (tests/test_access_matrix.py).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from classes.roles import FACILITATORS
from reports.models import ExcessiveHoursResolution
from tests.reports.report_data import office_admin

pytestmark = pytest.mark.usefixtures("now")

PAGES = [
    "reports:index",
    "reports:backlog",
    "reports:backlog_csv",
    "reports:progress",
    "reports:progress_csv",
    "reports:excessive_hours",
    "reports:excessive_hours_csv",
    "reports:class_monthly",
    "reports:regulatory",
    "reports:regulatory_csv",
]


def resolve_url(klass):
    return reverse("reports:resolve_excessive_hours", args=[klass.progressions.first().pk])


def urls(klass):
    found = [reverse(name) for name in PAGES]
    found.append(reverse("reports:class_monthly") + f"?class={klass.pk}")
    found.append(reverse("reports:class_monthly_csv") + f"?class={klass.pk}")
    return [*found, resolve_url(klass)]


def test_anonymous_users_are_sent_to_the_login_page(client, scheduled_class):
    for url in urls(scheduled_class):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.parametrize("persona", ["own_facilitator", "other_facilitator"])
def test_facilitators_are_refused(request, client, scheduled_class, persona):
    user = request.getfixturevalue(persona)
    user.groups.add(Group.objects.get(name=FACILITATORS))
    client.force_login(user)
    for url in urls(scheduled_class):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"kind": "qa_visit"}).status_code == 403, url
    assert not ExcessiveHoursResolution.objects.exists()
    assert (
        reverse("reports:index") not in client.get(reverse("classes:my_classes")).content.decode()
    )


@pytest.mark.parametrize("persona", ["office_admin", "admin_user"])
def test_office_admins_and_superusers_open_every_report(request, client, scheduled_class, persona):
    user = office_admin() if persona == "office_admin" else request.getfixturevalue(persona)
    client.force_login(user)
    *pages, resolve = urls(scheduled_class)
    for url in pages:
        assert client.get(url).status_code == 200, url
        assert client.post(url).status_code == 405, url
    # Nobody is over hours here; see tests/reports/test_excessive_hours.py.
    assert client.get(resolve).status_code == 404
    page = client.get(reverse("classes:my_classes")).content.decode()
    assert f'href="{reverse("reports:index")}">Reports</a>' in page
