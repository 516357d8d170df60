from django.db import models
from django.db.models import OrderBy
from django.db.models.functions import Lower, Now


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
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "learners"
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
            # Regulators need one identity document per learner.
            models.CheckConstraint(
                condition=models.Q(id_number__isnull=False)
                | models.Q(passport_number__isnull=False),
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
