"""The funders' code lists (SETMIS/NLRD lookups), versioned (issue 16).

A version is one load of the shipped data file (learners/data/setmis_lookups.json,
`manage.py load_lookups`); a changed list is a new version, and each learner keeps
the version their codes were typed against (Learner.lookup_version), so a record
valid under an old list stays valid, and says which list it follows.
"""

from django.db import models
from django.db.models.functions import Now

# The app's own population group and gender (Learner.race/.gender) as the funders'
# codes: the one mapping (learners.readiness checks the codes against it; migration
# learners 0004 filled the codes of existing learners with it).
EQUITY_FOR_RACE = {"african": "BA", "coloured": "BC", "indian": "BI", "white": "Wh", "other": "Oth"}
GENDER_CODE_FOR = {"female": "F", "male": "M"}
# The alternative-ID type of a learner with no alternative ID (an SA ID number only).
NO_ALTERNATE_ID = "533"
PASSPORT = "527"


class CodeList(models.TextChoices):
    """The lists a learner's codes come from, by the learner field that holds them."""

    ALTERNATE_ID_TYPE = "alternate_id_type", "Alternative ID type"
    EQUITY = "equity", "Equity (population group)"
    GENDER = "gender", "Gender"
    HOME_LANGUAGE = "home_language", "Home language"
    CITIZEN_STATUS = "citizen_status", "Citizen/resident status"
    NATIONALITY = "nationality", "Nationality"
    SOCIO_ECONOMIC = "socio_economic", "Socio-economic status"
    DISABILITY_RATING = "disability_rating", "Functional difficulty rating"
    PROVINCE = "province", "Province"
    POPI_STATUS = "popi_status", "POPI Act status"


class LookupVersion(models.Model):
    """One version of every code list, as loaded from the shipped data file."""

    version = models.CharField(max_length=50, unique=True)
    # Where the lists came from (the data file's own "source" text).
    source = models.TextField()
    loaded_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "learner_lookup_versions"
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return self.version


class LookupCode(models.Model):
    version = models.ForeignKey(LookupVersion, on_delete=models.PROTECT, related_name="codes")
    code_list = models.CharField(max_length=30, choices=CodeList.choices)
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)

    class Meta:
        db_table = "learner_lookup_codes"
        ordering = ["version", "code_list", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code_list", "code"], name="learner_lookup_codes_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="learner_lookup_codes_code_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}"
