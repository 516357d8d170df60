import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from classes.management.commands.load_demo import LOGINS
from classes.models import Class, Enrolment, Schedule
from learners.models import Client, Learner
from progression.models import Progression

pytestmark = pytest.mark.usefixtures("ledger_checked")


def counts():
    return [
        model.objects.count()
        for model in (Client, Class, Schedule, Learner, Enrolment, Progression)
    ]


def test_demo_data_loads_once_and_its_logins_work(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")

    assert counts() == first
    assert first[:2] == [1, 2]
    assert Class.objects.filter(status=Class.Status.ACTIVE).count() == 2
    # Every enrolled learner has a progression on the class's programme.
    for enrolment in Enrolment.objects.select_related("klass"):
        assert Progression.objects.filter(
            learner_id=enrolment.learner_id,
            programme_id=enrolment.klass.programme_id,
            status=Progression.Status.IN_PROGRESS,
        ).exists()
    output = capsys.readouterr().out
    # A login form's request: login throttling (django-axes) needs to know who asks.
    request = RequestFactory().post(reverse("login"))
    for username, password, *_ in LOGINS:
        assert f"{username}" in output
        assert password in output
        assert authenticate(request, username=username, password=password) is not None
