"""factory-boy factories that build consistent object graphs.

An enrolled learner always has a progression on the class's LP, because
EnrolmentFactory enrols through the same service the admin uses.

Calendar: the fixed dates here are all in the past, on or before the suite's reference
day (tests/conftest.py's NOW, Wednesday 4 March 2026): classes start on Monday 5 January
2026. A date that follows from another is computed from it (a schedule ends 50 weeks
after it starts, whatever start a test gives), so the real clock cannot overtake a
default (tests/test_factory_calendar.py checks this). Tests that read "today" pin it.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from classes.models import AttendanceSession, Class, Enrolment, Schedule, ScheduleSlot
from classes.services import enrol_learner
from classes.services.schedule import rebuild_plan
from learners.identity import with_check_digit
from learners.lookups import LookupVersion
from learners.models import Client, Learner
from progression.models import ClassType, LearningProgramme

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} (Pty) Ltd")


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    first_names = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    id_number = factory.Sequence(lambda n: f"{9001015000000 + n:013d}")
    race = Learner.Race.AFRICAN
    gender = Learner.Gender.FEMALE


class ReadyLearnerFactory(LearnerFactory):
    """A learner whose record is ready for the funders' files (issue 16): a valid SA ID
    number (born 1 January 1985), every required code, consent given. Needs the code
    lists loaded (the `lookups` fixture)."""

    id_number = factory.Sequence(lambda n: with_check_digit(f"850101{n % 5000:04d}08"))
    alternate_id_type = "533"
    equity_code = "BA"
    gender_code = "F"
    home_language_code = "Zul"
    citizen_status_code = "SA"
    nationality_code = "SA"
    socio_economic_code = "01"
    province_code = "7"
    popi_status = "1"
    popi_status_date = datetime.date(2026, 1, 12)
    lookup_version = factory.LazyFunction(
        lambda: LookupVersion.objects.order_by("-loaded_at", "-id").first()
    )


class ClassTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CT{n}")
    name = factory.Sequence(lambda n: f"Class type {n}")


class LearningProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningProgramme

    class_type = factory.SubFactory(ClassTypeFactory)
    code = factory.Sequence(lambda n: f"LP{n}")
    name = factory.Sequence(lambda n: f"Learning programme {n}")
    subject_duration = Decimal("120.0")
    total_pages = 200


class ClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Class

    code = factory.Sequence(lambda n: f"CLS-{n:04d}")
    client = factory.SubFactory(ClientFactory)
    programme = factory.SubFactory(LearningProgrammeFactory)
    site = "Head office, Johannesburg"
    facilitator = factory.SubFactory(UserFactory)
    status = Class.Status.ACTIVE


class ScheduleFactory(factory.django.DjangoModelFactory):
    """A weekly schedule, Monday and Wednesday 09:00–12:00 unless slots are given."""

    class Meta:
        model = Schedule
        skip_postgeneration_save = True

    klass = factory.SubFactory(ClassFactory)
    pattern = Schedule.Pattern.WEEKLY
    start_date = datetime.date(2026, 1, 5)
    # The Friday of the 50th week: Friday 18 December 2026 for the default start.
    end_date = factory.LazyAttribute(lambda s: s.start_date + datetime.timedelta(weeks=50, days=-3))

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        if not create:
            return
        for weekday, start, end in extracted or [
            (0, datetime.time(9), datetime.time(12)),
            (2, datetime.time(9), datetime.time(12)),
        ]:
            ScheduleSlot.objects.create(
                schedule=obj, weekday=weekday, start_time=start, end_time=end
            )
        # As the admin's save does: the class's stored plan follows its schedule.
        rebuild_plan(klass=obj.klass)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """Enrols through classes.services.enrol_learner, which starts the progression."""

    class Meta:
        model = Enrolment

    learner = factory.SubFactory(LearnerFactory)
    klass = factory.SubFactory(ClassFactory)
    start_date = datetime.date(2026, 1, 5)

    @classmethod
    def _create(cls, model_class, learner, klass, start_date, **kwargs):
        enrolment, _ = enrol_learner(learner=learner, klass=klass, start_date=start_date)
        return enrolment


class AttendanceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceSession

    klass = factory.SubFactory(ClassFactory)
    session_date = datetime.date(2026, 3, 2)
    scheduled_hours = Decimal("3.0")


# --- billing (issue 14) ------------------------------------------------------------


class FacilitatorRateFactory(factory.django.DjangoModelFactory):
    """R 250 an hour from 1 January 2026, open-ended, for the class's facilitator."""

    class Meta:
        model = "billing.FacilitatorRate"

    klass = factory.SubFactory(ClassFactory)
    facilitator = factory.LazyAttribute(lambda rate: rate.klass.facilitator)
    basis = "hourly"
    amount = Decimal("250.00")
    valid_from = datetime.date(2026, 1, 1)
    created_by = factory.SubFactory(UserFactory)


class ClientRateFactory(factory.django.DjangoModelFactory):
    """R 40 per learner hour trained from 1 January 2026, for all the client's
    programmes."""

    class Meta:
        model = "billing.ClientRate"

    client = factory.SubFactory(ClientFactory)
    basis = "hourly"
    amount = Decimal("40.00")
    valid_from = datetime.date(2026, 1, 1)
    created_by = factory.SubFactory(UserFactory)
