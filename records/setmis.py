"""The SETMIS person (400) and qualification-enrolment (501) files (issue 16).

Fixed-width ASCII records, each field left-justified and padded with spaces to its
width, one record per line ending CR LF, dates YYYYMMDD, no header; file names
`<SETA>_0006_<file>_v001_<YYYYMMDD>.dat`. The layouts are DHET's SETMIS-MR v1.01 as
the SETAs' own systems write them (docs/decisions.md, issue 16: sources and what
could not be confirmed). Fields the provider does not hold (addresses, phone
numbers, school, assessor, funding) are sent blank: data minimisation (POPIA s10).
"""

from __future__ import annotations

import datetime

from django.conf import settings

from learners.identity import birth_date_of
from learners.lookups import NO_ALTERNATE_ID
from learners.models import Learner
from learners.readiness import split_first_names
from progression.models import Progression

DISAGREES = "2"  # POPI Act status: the learner did not consent; names stay blank.
ENROLLED = "3"  # Enrolment status: enrolled (an achievement is the assessor's to report).
STAND_ALONE = "1"  # Part of: a stand-alone qualification.

PERSON_NUMBER, ENROLMENT_NUMBER = "400", "501"

# (field, width), in file order.
PERSON_LAYOUT: list[tuple[str, int]] = [
    ("National_Id", 15), ("Person_Alternate_Id", 20), ("Alternative_Id_Type", 3),
    ("Equity_Code", 10), ("Nationality_Code", 3), ("Home_Language_Code", 10),
    ("Gender_Code", 1), ("Citizen_Resident_Status_Code", 10), ("Filler01", 2),
    ("Filler02", 10), ("Person_Last_Name", 45), ("Person_First_Name", 26),
    ("Person_Middle_Name", 50), ("Person_Title", 10), ("Person_Birth_Date", 8),
    ("Person_Home_Address_1", 50), ("Person_Home_Address_2", 50),
    ("Person_Home_Address_3", 50), ("Person_Postal_Address_1", 50),
    ("Person_Postal_Address_2", 50), ("Person_Postal_Address_3", 50),
    ("Person_Home_Addr_Postal_Code", 4), ("Person_Postal_Addr_Post_Code", 4),
    ("Person_Phone_Number", 20), ("Person_Cell_Phone_Number", 20),
    ("Person_Fax_Number", 20), ("Person_Email_Address", 50), ("Province_Code", 2),
    ("Provider_Code", 20), ("Provider_ETQE_Id", 10), ("Person_Previous_Lastname", 45),
    ("Person_Previous_Alternate_Id", 20), ("Person_Previous_Alternative_Id_Type", 3),
    ("Person_Previous_Provider_Code", 20), ("Person_Previous_Provider_ETQE_Id", 10),
    ("Seeing_Rating_Id", 2), ("Hearing_Rating_Id", 2), ("Walking_Rating_Id", 2),
    ("Remembering_Rating_Id", 2), ("Communicating_Rating_Id", 2),
    ("Self_Care_Rating_Id", 2), ("Last_School_EMIS_No", 20), ("Last_School_Year", 4),
    ("STATSSA_Area_Code", 20), ("POPI_Act_Status_ID", 2), ("POPI_Act_Status_Date", 8),
    ("Date_Stamp", 8),
]  # fmt: skip
ENROLMENT_LAYOUT: list[tuple[str, int]] = [
    ("National_Id", 15), ("Person_Alternate_Id", 20), ("Alternative_Id_Type", 3),
    ("Qualification_Id", 10), ("Enrolment_Status_Id", 3),
    ("Assessor_Registration_Number", 20), ("Enrolment_Type_Id", 3),
    ("Enrolment_Status_Date", 8), ("Enrolment_Date", 8), ("Filler01", 3),
    ("Part_Of_Id", 2), ("Learnership_Id", 10), ("Provider_Code", 20),
    ("Provider_ETQE_Id", 10), ("Assessor_ETQE_Id", 10), ("Filler02", 20),
    ("Enrolment_Status_Reason_Id", 10), ("Most_Recent_Registration_Date", 8),
    ("Certificate_Number", 30), ("Filler03", 4), ("Filler04", 10), ("Filler05", 10),
    ("Filler06", 10), ("Economic_Status_Id", 10), ("Filler07", 10), ("SDL_No", 10),
    ("Filler08", 10), ("Filler09", 1), ("Filler10", 10), ("Filler11", 10),
    ("Site_No", 10), ("Practical_Provider_Code", 20), ("Practical_Provider_ETQE_Id", 10),
    ("Funding_Id", 10), ("Cumulative_Spend", 10), ("OFO_Code", 15),
    ("Urban_Rural_ID", 10), ("Learning_Programme_Type_Id", 10), ("Date_Stamp", 8),
]  # fmt: skip
PERSON_LENGTH, ENROLMENT_LENGTH = 845, 411


def ymd(day: datetime.date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def record(layout: list[tuple[str, int]], values: dict[str, str]) -> str:
    """One record: every field padded (or cut) to its width; fields not given blank."""
    names = {name for name, _ in layout}
    unknown = set(values) - names
    if unknown:
        raise KeyError(f"not in the layout: {sorted(unknown)}")
    return "".join(str(values.get(name, "")).ljust(width)[:width] for name, width in layout)


def file_bytes(records: list[str]) -> bytes:
    """The file: CR LF after every record, ASCII (readiness refused anything else)."""
    return "".join(f"{line}\r\n" for line in records).encode("ascii")


def file_name(number: str, day: datetime.date) -> str:
    return f"{settings.SETMIS_SETA_CODE}_0006_{number}_v001_{ymd(day)}.dat"


def _identity(learner: Learner) -> dict[str, str]:
    return {
        "National_Id": learner.id_number or "",
        "Person_Alternate_Id": learner.passport_number or "",
        "Alternative_Id_Type": learner.alternate_id_type or NO_ALTERNATE_ID,
    }


def _provider() -> dict[str, str]:
    return {
        "Provider_Code": settings.SETMIS_PROVIDER_CODE,
        "Provider_ETQE_Id": settings.SETMIS_PROVIDER_ETQE_ID,
    }


def person_record(learner: Learner, *, today: datetime.date) -> str:
    consented = learner.popi_status != DISAGREES
    first, middle = split_first_names(learner.first_names)
    born = learner.birth_date or (
        birth_date_of(learner.id_number, today=today) if learner.id_number else None
    )
    return record(
        PERSON_LAYOUT,
        {
            **_identity(learner),
            "Equity_Code": learner.equity_code,
            "Nationality_Code": learner.nationality_code,
            "Home_Language_Code": learner.home_language_code,
            "Gender_Code": learner.gender_code,
            "Citizen_Resident_Status_Code": learner.citizen_status_code,
            # Names are blank without consent, as the validators require.
            "Person_Last_Name": learner.surname.strip() if consented else "",
            "Person_First_Name": first if consented else "",
            "Person_Middle_Name": middle if consented else "",
            "Person_Birth_Date": ymd(born),
            "Province_Code": learner.province_code,
            **_provider(),
            "Seeing_Rating_Id": learner.seeing_rating,
            "Hearing_Rating_Id": learner.hearing_rating,
            "Walking_Rating_Id": learner.walking_rating,
            "Remembering_Rating_Id": learner.remembering_rating,
            "Communicating_Rating_Id": learner.communicating_rating,
            "Self_Care_Rating_Id": learner.self_care_rating,
            "STATSSA_Area_Code": learner.statssa_area_code,
            "POPI_Act_Status_ID": learner.popi_status,
            "POPI_Act_Status_Date": ymd(learner.popi_status_date),
            "Date_Stamp": ymd(today),
        },
    )


def enrolment_record(progression: Progression, *, today: datetime.date) -> str:
    learner = progression.learner
    return record(
        ENROLMENT_LAYOUT,
        {
            **_identity(learner),
            "Qualification_Id": progression.programme.saqa_qualification_id,
            "Enrolment_Status_Id": ENROLLED,
            "Enrolment_Date": ymd(progression.start_date),
            "Part_Of_Id": STAND_ALONE,
            **_provider(),
            "Economic_Status_Id": learner.socio_economic_code,
            "Date_Stamp": ymd(today),
        },
    )
