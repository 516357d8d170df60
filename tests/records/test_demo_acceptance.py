"""Issue 16's acceptance on the demo data (`make run`): the demo client's person file
holds exactly its ready learners, with the non-consenting learner's names blank; the
learner whose paperwork is missing is listed as not ready, with the reasons."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from classes.management.commands.load_demo import DEMO_CLIENT
from learners.models import Client, Learner
from records.models import AccessLog
from tests.conftest import SAST


@pytest.fixture
def demo(time_machine, db):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SAST), tick=False)
    call_command("load_demo", stdout=io.StringIO())
    return Client.objects.get(name=DEMO_CLIENT)


def test_the_demo_clients_person_file_holds_its_ready_learners(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("records:funder_files")

    page = client.get(url, {"client": demo.pk})
    person = client.get(url, {"client": demo.pk, "download": "person"})

    files = page.context["files"]
    learners = Learner.objects.filter(employer=demo)
    assert len(files.ready) + len(files.not_ready) == learners.count() == 12
    ((missing, problems),) = files.not_ready
    assert [p.message for p in problems] == ["Home language: missing.", "Nationality: missing."]
    lines = person.content.decode("ascii").split("\r\n")[:-1]
    assert sorted(line[:15].strip() for line in lines) == sorted(
        learner.id_number for learner in files.ready
    )
    no_consent = learners.get(popi_status="2")
    (line,) = [line for line in lines if line.startswith(no_consent.id_number)]
    assert line[84:205].strip() == ""  # last, first and middle names
    others = [line for line in lines if not line.startswith(no_consent.id_number)]
    assert all(line[84:129].strip() for line in others)
    assert AccessLog.objects.filter(action="exported").count() == 11
