"""Demo data for `make run`: a client, two facilitators, an admin, classes, learners.

Idempotent: when the demo client exists, nothing is written again. Dates are relative
to today so that there are always past sessions waiting to be captured.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from classes.management.commands._demo_history import build_history, hold_for_two_weeks
from classes.models import Class, Schedule, ScheduleException, ScheduleSlot
from classes.roles import FACILITATORS, OFFICE_ADMINS
from classes.services import change_class_status, enrol_learner
from classes.services.schedule import rebuild_plan
from learners.identity import with_check_digit
from learners.lookups import EQUITY_FOR_RACE, GENDER_CODE_FOR, NO_ALTERNATE_ID, LookupVersion
from learners.management.commands.load_lookups import load as load_lookups
from learners.models import RATING_FIELDS, Client, Learner
from progression.models import ClassType, LearningProgramme, Progression

DEMO_CLIENT = "Mzansi Manufacturing (Pty) Ltd"
# Demo logins only: printed on every `make run`, never used outside a laptop.
LOGINS = [
    # username, password, first name, last name, is admin
    ("admin", "demo-admin-2026", "Ayesha", "Patel", True),
    ("thandi", "demo-thandi-2026", "Thandi", "Mokoena", False),
    ("pieter", "demo-pieter-2026", "Pieter", "Botha", False),
]
LEARNER_NAMES = [
    ("Sipho", "Nkosi"),
    ("Lerato", "Mahlangu"),
    ("Johan", "van der Merwe"),
    ("Nomvula", "Zulu"),
    ("Ahmed", "Cassim"),
    ("Precious", "Molefe"),
    ("Kagiso", "Sithole"),
    ("Anele", "Mthembu"),
    ("Ruan", "Pretorius"),
    ("Zanele", "Dlamini"),
    ("Tshepo", "Khumalo"),
    ("Fatima", "Adams"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        # The funders' code lists first (idempotent): the demo learners use them.
        load_lookups()
        if Client.objects.filter(name=DEMO_CLIENT).exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("\nDemo logins (development only):")
        for username, password, first, last, is_admin in LOGINS:
            role = "office admin" if is_admin else "facilitator"
            self.stdout.write(f"  {username:8} / {password:18} {first} {last}, {role}")
        self.stdout.write("")

    @transaction.atomic
    def _load(self):
        users = {}
        user_model = get_user_model()
        for username, password, first, last, is_admin in LOGINS:
            user, _ = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    # The office admin is staff in the Office admins group, as the
                    # office's people are: not a superuser (who also sees the
                    # login-throttling and internal tables). Ops create superusers.
                    "is_staff": is_admin,
                },
            )
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=OFFICE_ADMINS if is_admin else FACILITATORS))
            users[username] = user

        client = Client.objects.create(name=DEMO_CLIENT, contact_email="training@example.org")
        english = ClassType.objects.create(code="BE", name="Business English")
        numeracy = ClassType.objects.create(code="NUM", name="Numeracy", hours_capped=True)
        communication = LearningProgramme.objects.create(
            class_type=english,
            code="BE-COMM1",
            name="Communication Level 1",
            subject_duration=Decimal("120"),
            total_pages=180,
            # Below it a learner is at risk (the alerts, issue 15).
            minimum_attendance_percent=Decimal("80"),
            # Demo values, not real SAQA registrations (the funder files, issue 16).
            saqa_qualification_id="99001",
        )
        numbers = LearningProgramme.objects.create(
            class_type=numeracy,
            code="NUM-1",
            name="Numeracy Level 1",
            # Small on purpose: the first learner goes over it (excessive hours).
            subject_duration=Decimal("40"),
            total_pages=120,
            minimum_attendance_percent=Decimal("80"),
            saqa_qualification_id="99002",
        )

        lookups = LookupVersion.objects.order_by("-loaded_at", "-id").first()
        today = timezone.localdate()
        # Twelve weeks back, on a Monday: a term of history, and the last two weeks
        # still waiting to be captured.
        start = today - datetime.timedelta(days=today.weekday() + 84)
        classes = [
            (
                "MZN-BE-01",
                communication,
                users["thandi"],
                "Mzansi plant, Germiston – training room 2",
                # Monday split around lunch, Wednesday mornings.
                [(0, "08:00", "10:00"), (0, "10:30", "12:30"), (2, "08:00", "11:00")],
            ),
            (
                "MZN-NUM-01",
                numbers,
                users["pieter"],
                "Mzansi plant, Germiston – canteen",
                [(1, "13:00", "16:00"), (3, "13:00", "16:00")],
            ),
        ]
        names = iter(LEARNER_NAMES)
        serial = 0
        for code, programme, facilitator, site, slots in classes:
            klass = Class.objects.create(
                code=code, client=client, programme=programme, site=site, facilitator=facilitator
            )
            change_class_status(
                klass=klass,
                status=Class.Status.ACTIVE,
                changed_by=users["admin"],
                reason="Demo class started",
            )
            schedule = Schedule.objects.create(
                klass=klass,
                pattern=Schedule.Pattern.WEEKLY,
                start_date=start,
                end_date=start + datetime.timedelta(weeks=26),
            )
            for weekday, begin, end in slots:
                ScheduleSlot.objects.create(
                    schedule=schedule,
                    weekday=weekday,
                    start_time=datetime.time.fromisoformat(begin),
                    end_time=datetime.time.fromisoformat(end),
                )
            ScheduleException.objects.create(
                schedule=schedule,
                exception_date=start + datetime.timedelta(weeks=3, days=slots[0][0]),
                reason="Plant shutdown for maintenance",
            )
            rebuild_plan(klass=klass)
            learners = []
            for number in range(6):
                first, surname = next(names)
                serial += 1
                learner = Learner.objects.create(
                    first_names=first,
                    surname=surname,
                    employer=client,
                    **demo_funder_fields(serial, start, lookups),
                )
                enrolment, _ = enrol_learner(
                    learner=learner, klass=klass, start_date=start + late_by(code, number)
                )
                learners.append(enrolment)
            if code == "MZN-NUM-01":
                hold_for_two_weeks(
                    progression=Progression.objects.get(
                        learner=learners[1].learner, programme=programme
                    ),
                    admin=users["admin"],
                    start=start + datetime.timedelta(weeks=6),
                )
            build_history(klass=klass, facilitator=facilitator, admin=users["admin"], today=today)


def demo_funder_fields(serial: int, start: datetime.date, lookups) -> dict:
    """A demo learner's identity and funder codes (issue 16): valid SA ID numbers
    (born in 1990), coded as the SETMIS lists ask. Learner 3 did not consent (POPI
    status 2: the funder files leave their names blank); learner 12's paperwork is
    not in yet (no home language or nationality: listed as not ready)."""
    female = bool(serial % 2)
    born = datetime.date(1990, 1, 1) + datetime.timedelta(days=37 * serial)
    sequence = (0 if female else 5000) + serial
    id_number = with_check_digit(f"{born:%y%m%d}{sequence:04d}08")
    paperwork_missing = serial == 12
    return {
        "id_number": id_number,
        "race": Learner.Race.AFRICAN,
        "gender": Learner.Gender.FEMALE if female else Learner.Gender.MALE,
        "alternate_id_type": NO_ALTERNATE_ID,
        "equity_code": EQUITY_FOR_RACE[Learner.Race.AFRICAN],
        "gender_code": GENDER_CODE_FOR["female" if female else "male"],
        "home_language_code": "" if paperwork_missing else ("Zul" if serial % 3 else "Xho"),
        "citizen_status_code": "SA",
        "nationality_code": "" if paperwork_missing else "SA",
        "socio_economic_code": "01",
        "province_code": "7",
        **dict.fromkeys(RATING_FIELDS, "1"),
        "popi_status": "2" if serial == 3 else "1",
        "popi_status_date": start,
        "lookup_version": lookups,
    }


def late_by(code: str, number: int) -> datetime.timedelta:
    """When a demo learner joined after the class started. The communication class's
    last learner joined ten weeks late: the schedule ends before their 120 hours (at
    risk). In the numeracy class only the first learner was there from the start, and
    is the one over the 40 hours."""
    if code == "MZN-BE-01":
        return datetime.timedelta(weeks=10 if number == 5 else 0)
    return datetime.timedelta(weeks=0 if number == 0 else 4)
