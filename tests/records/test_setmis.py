"""The SETMIS person (400) and enrolment (501) files, field by field against the
documented layout (docs/decisions.md, issue 16), through the page an office admin uses."""

import datetime

import pytest
from django.urls import reverse

from learners.identity import id_number_problem
from records import setmis
from records.models import AccessLog

# (field, start position (1-based), width), from the layout tables in docs/decisions.md.
PERSON_FIELDS = [
    ("National_Id", 1, 15), ("Person_Alternate_Id", 16, 20), ("Alternative_Id_Type", 36, 3),
    ("Equity_Code", 39, 10), ("Nationality_Code", 49, 3), ("Home_Language_Code", 52, 10),
    ("Gender_Code", 62, 1), ("Citizen_Resident_Status_Code", 63, 10),
    ("Person_Last_Name", 85, 45), ("Person_First_Name", 130, 26),
    ("Person_Middle_Name", 156, 50), ("Person_Birth_Date", 216, 8), ("Province_Code", 642, 2),
    ("Provider_Code", 644, 20), ("Provider_ETQE_Id", 664, 10), ("Seeing_Rating_Id", 772, 2),
    ("Hearing_Rating_Id", 774, 2), ("Walking_Rating_Id", 776, 2),
    ("Remembering_Rating_Id", 778, 2), ("Communicating_Rating_Id", 780, 2),
    ("Self_Care_Rating_Id", 782, 2), ("STATSSA_Area_Code", 808, 20),
    ("POPI_Act_Status_ID", 828, 2), ("POPI_Act_Status_Date", 830, 8), ("Date_Stamp", 838, 8),
]  # fmt: skip
ENROLMENT_FIELDS = [
    ("National_Id", 1, 15), ("Person_Alternate_Id", 16, 20), ("Alternative_Id_Type", 36, 3),
    ("Qualification_Id", 39, 10), ("Enrolment_Status_Id", 49, 3), ("Enrolment_Date", 83, 8),
    ("Part_Of_Id", 94, 2), ("Provider_Code", 106, 20), ("Provider_ETQE_Id", 126, 10),
    ("Economic_Status_Id", 248, 10), ("Date_Stamp", 404, 8),
]  # fmt: skip


def read(line: str, fields) -> dict[str, str]:
    """The named fields of one record; every other position must be blank."""
    values, rest = {}, list(line)
    for name, start, width in fields:
        values[name] = line[start - 1 : start - 1 + width].rstrip()
        rest[start - 1 : start - 1 + width] = " " * width
    assert "".join(rest).strip() == "", "a field outside the documented ones is filled"
    return values


def download(http, user, which, **query):
    http.force_login(user)
    return http.get(
        reverse("records:funder_files"),
        {"start": "2026-01-01", "end": "2026-12-31", **query, "download": which},
    )


@pytest.fixture
def provider(settings):
    settings.SETMIS_SETA_CODE = "SERV"
    settings.SETMIS_PROVIDER_CODE = "SDP123"
    settings.SETMIS_PROVIDER_ETQE_ID = "595"


def test_the_layouts_have_the_documented_widths():
    assert sum(w for _, w in setmis.PERSON_LAYOUT) == setmis.PERSON_LENGTH == 845
    assert sum(w for _, w in setmis.ENROLMENT_LAYOUT) == setmis.ENROLMENT_LENGTH == 411
    assert len(setmis.PERSON_LAYOUT) == 47
    assert len(setmis.ENROLMENT_LAYOUT) == 39
    # Each documented start position is where the layout puts the field.
    for layout, fields in ((setmis.PERSON_LAYOUT, PERSON_FIELDS),
                           (setmis.ENROLMENT_LAYOUT, ENROLMENT_FIELDS)):  # fmt: skip
        starts, position = {}, 1
        for name, width in layout:
            starts[name] = (position, width)
            position += width
        for name, start, width in fields:
            assert starts[name] == (start, width), name


@pytest.mark.usefixtures("provider")
def test_the_person_file_of_a_client_holds_exactly_its_ready_learners(
    client, office_admin, client_class
):
    klass, learners = client_class
    response = download(client, office_admin, "person", client=klass.client_id)

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="SERV_0006_400_v001_20260304.dat"'
    )
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode("ascii")
    assert body.endswith("\r\n")
    lines = body.split("\r\n")[:-1]
    assert [len(line) for line in lines] == [845, 845]
    records = {r["National_Id"]: r for r in (read(line, PERSON_FIELDS) for line in lines)}
    # The wrong check digit and the other client's learners are not in it.
    assert set(records) == {"8001015009087", "9202205720082"}
    assert records["8001015009087"] == {
        "National_Id": "8001015009087",
        "Person_Alternate_Id": "",
        "Alternative_Id_Type": "533",
        "Equity_Code": "BA",
        "Nationality_Code": "SA",
        "Home_Language_Code": "Zul",
        "Gender_Code": "F",
        "Citizen_Resident_Status_Code": "SA",
        "Person_Last_Name": "Dlamini",
        "Person_First_Name": "Thandeka",
        "Person_Middle_Name": "Grace",
        "Person_Birth_Date": "19800101",
        "Province_Code": "7",
        "Provider_Code": "SDP123",
        "Provider_ETQE_Id": "595",
        "Seeing_Rating_Id": "",
        "Hearing_Rating_Id": "",
        "Walking_Rating_Id": "",
        "Remembering_Rating_Id": "",
        "Communicating_Rating_Id": "",
        "Self_Care_Rating_Id": "",
        "STATSSA_Area_Code": "",
        "POPI_Act_Status_ID": "1",
        "POPI_Act_Status_Date": "20260112",
        "Date_Stamp": "20260304",
    }
    # No consent: the names are blank, the rest is sent.
    no_consent = records["9202205720082"]
    assert (no_consent["Person_Last_Name"], no_consent["Person_First_Name"]) == ("", "")
    assert no_consent["Person_Middle_Name"] == ""
    assert (no_consent["POPI_Act_Status_ID"], no_consent["Gender_Code"]) == ("2", "M")
    assert no_consent["Person_Birth_Date"] == "19920220"
    # Each exported learner's export is on the record.
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORTED)
    assert sorted(logged.values_list("learner__id_number", flat=True)) == sorted(records)
    assert {row.by for row in logged} == {office_admin.username}


@pytest.mark.usefixtures("provider")
def test_the_enrolment_file_has_one_record_per_ready_progression(
    client, office_admin, client_class
):
    klass, learners = client_class
    response = download(client, office_admin, "enrolment", programme=klass.programme_id)

    assert (
        response["Content-Disposition"] == 'attachment; filename="SERV_0006_501_v001_20260304.dat"'
    )
    lines = response.content.decode("ascii").split("\r\n")[:-1]
    assert [len(line) for line in lines] == [411] * 3  # both of the client's, Pillay
    records = [read(line, ENROLMENT_FIELDS) for line in lines]
    dlamini = next(r for r in records if r["National_Id"] == "8001015009087")
    assert dlamini == {
        "National_Id": "8001015009087",
        "Person_Alternate_Id": "",
        "Alternative_Id_Type": "533",
        "Qualification_Id": "49648",
        "Enrolment_Status_Id": "3",
        "Enrolment_Date": "20260202",
        "Part_Of_Id": "1",
        "Provider_Code": "SDP123",
        "Provider_ETQE_Id": "595",
        "Economic_Status_Id": "01",
        "Date_Stamp": "20260304",
    }
    assert all(id_number_problem(r["National_Id"], today=datetime.date(2026, 3, 4)) is None
               for r in records)  # fmt: skip


def test_the_page_lists_the_learners_not_ready_with_each_reason(client, office_admin, client_class):
    klass, learners = client_class
    client.force_login(office_admin)

    response = client.get(reverse("records:funder_files"), {"klass": klass.pk})

    assert response.status_code == 200
    files = response.context["files"]
    assert [learner.surname for learner in files.ready] == ["Dlamini", "Nkosi"]
    ((learner, problems),) = files.not_ready
    assert learner == learners["wrong_id"]
    assert [p.message for p in problems] == [
        "SA ID number 8001015009088: the check digit (the last) is wrong."
    ]
    text = response.content.decode()
    assert "8001015009088: the check digit (the last) is wrong." in text
    assert "Person file (400)" in text


def test_a_programme_without_its_saqa_id_keeps_its_learners_out(client, office_admin, client_class):
    klass, _ = client_class
    klass.programme.saqa_qualification_id = ""
    klass.programme.save()
    client.force_login(office_admin)

    files = client.get(reverse("records:funder_files"), {"klass": klass.pk}).context["files"]

    assert files.ready == []
    assert all(
        "Learning programme BE-COMM1: no SAQA qualification ID (set it on the programme)."
        in [p.message for p in problems]
        for _, problems in files.not_ready
    )


@pytest.mark.parametrize(
    "query",
    [{"start": "2026-13-01"}, {"start": "2026-12-01", "end": "2026-01-01"}, {"client": "x"}],
)
def test_bad_filters_are_named_and_nothing_is_exported(client, office_admin, client_class, query):
    client.force_login(office_admin)
    response = client.get(reverse("records:funder_files"), {**query, "download": "person"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.exists()


def test_facilitators_and_admins_without_the_permission_are_refused(
    client, own_facilitator, office_admin, client_class
):
    from django.contrib.auth.models import Permission

    client.force_login(own_facilitator)
    assert client.get(reverse("records:funder_files")).status_code == 403
    office_admin.groups.first().permissions.remove(
        Permission.objects.get(codename="view_special_information")
    )
    client.force_login(office_admin)
    assert client.get(reverse("records:funder_files")).status_code == 403


@pytest.mark.usefixtures("provider")
def test_both_files_in_one_zip_from_one_reading(client, office_admin, client_class):
    import io
    import zipfile

    klass, _ = client_class
    response = download(client, office_admin, "both", klass=klass.pk)

    assert response["Content-Type"] == "application/zip"
    assert 'filename="SERV_0006_v001_20260304.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "SERV_0006_400_v001_20260304.dat",
        "SERV_0006_501_v001_20260304.dat",
    ]
    person = archive.read("SERV_0006_400_v001_20260304.dat").decode("ascii").split("\r\n")[:-1]
    enrolment = archive.read("SERV_0006_501_v001_20260304.dat").decode("ascii").split("\r\n")
    people = {line[:15] for line in person}
    assert {line[:15] for line in enrolment[:-1]} == people
    assert len(people) == 2
    assert AccessLog.objects.filter(action="exported").count() == 2


@pytest.mark.usefixtures("provider")
def test_a_learner_enrolled_twice_on_one_programme_has_one_enrolment_record(
    client, office_admin, client_class
):
    from progression.models import Progression

    klass, learners = client_class
    Progression.objects.create(
        learner=learners["ready"],
        programme=klass.programme,
        klass=klass,
        status=Progression.Status.COMPLETED,
        start_date=datetime.date(2025, 3, 3),
        completion_date=datetime.date(2026, 1, 9),
    )

    response = download(client, office_admin, "enrolment", klass=klass.pk)

    lines = response.content.decode("ascii").split("\r\n")[:-1]
    dlamini = [read(line, ENROLMENT_FIELDS) for line in lines if line.startswith("8001015009087")]
    assert [r["Enrolment_Date"] for r in dlamini] == ["20260202"]  # the latest start
