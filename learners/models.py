from django.db import models
from django.db.models import OrderBy
from django.db.models.functions import Lower, Now

from learners.lookups import CodeList, LookupCode, LookupVersion  # noqa: F401


class Client(models.Model):
    """An employer that contracts the provider to train a group of its staff."""

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "clients"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="clients_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Race(models.TextChoices):
    # The population groups of the Employment Equity Act, as funders report them.
    AFRICAN = "african", "African"
    COLOURED = "coloured", "Coloured"
    INDIAN = "indian", "Indian"
    WHITE = "white", "White"
    OTHER = "other", "Other"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


def name_order(prefix: str = "") -> list[OrderBy | str]:
    """Learners by surname, then first names, whatever the case, then id: the order of
    Learner's Meta, for a query on another model (`prefix`, e.g. "learner__")."""
    return [Lower(f"{prefix}surname").asc(), Lower(f"{prefix}first_names").asc(), f"{prefix}id"]


def _code(verbose_name: str, width: int, code_list: CodeList) -> models.CharField:
    """A funder code (issue 16): "" until typed, checked against the learner's lookup
    version by learners.readiness (not here: a record may be incomplete for now)."""
    return models.CharField(
        verbose_name,
        max_length=width,
        blank=True,
        default="",
        db_default="",
        help_text=f"Code from the {code_list.label.lower()} list.",
    )


# The permission to see special personal information (ID and passport numbers, race,
# equity code, disability ratings: POPIA, issue 16), declared on Learner below.
SPECIAL_INFORMATION = "learners.view_special_information"

# The six functional-difficulty ratings, in the SETMIS person file's order.
RATING_FIELDS = (
    "seeing_rating",
    "hearing_rating",
    "walking_rating",
    "remembering_rating",
    "communicating_rating",
    "self_care_rating",
)


class Learner(models.Model):
    Race = Race
    Gender = Gender

    first_names = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    # NULL (not "") when absent, so that the UNIQUE constraints ignore missing numbers.
    id_number = models.CharField("SA ID number", max_length=13, null=True, blank=True, unique=True)
    passport_number = models.CharField(max_length=30, null=True, blank=True, unique=True)
    race = models.CharField(max_length=20, choices=Race.choices)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    employer = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="employees"
    )
    # What funders require (issue 16: SETMIS person file), as codes from the lookup
    # version below; learners.readiness says what is missing or wrong.
    birth_date = models.DateField(
        null=True, blank=True, help_text="Needed when the learner has no SA ID number."
    )
    alternate_id_type = _code("alternative ID type", 3, CodeList.ALTERNATE_ID_TYPE)
    equity_code = _code("equity code", 10, CodeList.EQUITY)
    gender_code = _code("gender code", 1, CodeList.GENDER)
    home_language_code = _code("home language", 10, CodeList.HOME_LANGUAGE)
    citizen_status_code = _code("citizen/resident status", 10, CodeList.CITIZEN_STATUS)
    nationality_code = _code("nationality", 3, CodeList.NATIONALITY)
    socio_economic_code = _code("socio-economic status", 2, CodeList.SOCIO_ECONOMIC)
    seeing_rating = _code("seeing", 2, CodeList.DISABILITY_RATING)
    hearing_rating = _code("hearing", 2, CodeList.DISABILITY_RATING)
    walking_rating = _code("walking", 2, CodeList.DISABILITY_RATING)
    remembering_rating = _code("remembering", 2, CodeList.DISABILITY_RATING)
    communicating_rating = _code("communicating", 2, CodeList.DISABILITY_RATING)
    self_care_rating = _code("self-care", 2, CodeList.DISABILITY_RATING)
    province_code = _code("province", 2, CodeList.PROVINCE)
    statssa_area_code = models.CharField(
        "STATSSA area code", max_length=20, blank=True, default="", db_default=""
    )
    popi_status = _code("POPI Act status", 2, CodeList.POPI_STATUS)
    popi_status_date = models.DateField(
        "POPI Act status date", null=True, blank=True, help_text="When the learner said so."
    )
    # The code lists the codes above follow; a new version of the lists leaves it.
    lookup_version = models.ForeignKey(
        LookupVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set once by `manage.py anonymise_learners` (POPIA retention): names and
    # identity numbers gone, hours and aggregates kept.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "learners"
        permissions = [
            (
                "view_special_information",
                "Can see learners' ID numbers, race and disability ratings",
            ),
        ]
        # By name whatever the case and the database's collation: "van der Merwe"
        # between "Nkosi" and "Zulu", on SQLite and on a C-collated PostgreSQL too.
        ordering = [Lower("surname").asc(), Lower("first_names").asc(), "id"]
        indexes = [
            # The reports list learners by name, a page at a time: read in this order,
            # a page is fifty index entries, not a sort of every learner (issue 10).
            models.Index(fields=["surname", "first_names", "id"], name="learners_name_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_names="") & ~models.Q(surname=""),
                name="learners_names_not_blank",
            ),
            # Regulators need one identity document per learner, until the learner
            # is anonymised (POPIA retention, issue 16).
            models.CheckConstraint(
                condition=models.Q(id_number__isnull=False)
                | models.Q(passport_number__isnull=False)
                | models.Q(anonymised_at__isnull=False),
                name="learners_identity_document_required",
            ),
            models.CheckConstraint(
                condition=models.Q(id_number__regex=r"^[0-9]{13}$"),
                name="learners_id_number_13_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(race__in=Race.values), name="learners_race_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=Gender.values), name="learners_gender_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.surname}"

    @property
    def initials(self) -> str:
        return "".join(name[0].upper() for name in self.first_names.split())
