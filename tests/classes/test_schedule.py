"""The schedule engine: pure functions, dates in and dates out."""

import datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from classes.schedule import (
    BIWEEKLY,
    MONTHLY,
    WEEKLY,
    Pause,
    ScheduleSpec,
    Slot,
    end_date,
    expand,
    public_holiday,
    session_on,
)

D = datetime.date
T = datetime.time
MON_WED = (Slot(0, T(9), T(12)), Slot(2, T(9), T(12)))


def spec(**overrides) -> ScheduleSpec:
    values: dict[str, Any] = {
        "pattern": WEEKLY,
        "start_date": D(2026, 3, 2),  # a Monday
        "end_date": D(2026, 3, 31),
        "slots": MON_WED,
    } | overrides
    return ScheduleSpec(**values)


def dates(sessions, *, blocked=None):
    return [s.date for s in sessions if blocked is None or s.blocked == blocked]


def test_weekly_meets_on_every_selected_weekday_in_range():
    sessions = expand(spec())
    assert dates(sessions) == [
        D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 9), D(2026, 3, 11), D(2026, 3, 16),
        D(2026, 3, 18), D(2026, 3, 23), D(2026, 3, 25), D(2026, 3, 30),
    ]  # fmt: skip
    assert all(s.hours == Decimal("3") for s in sessions)


def test_biweekly_counts_every_other_week_from_the_start_week():
    # Starting on a Wednesday: that week is "on", the next "off", and so on.
    sessions = expand(spec(pattern=BIWEEKLY, start_date=D(2026, 3, 4)))
    assert dates(sessions) == [D(2026, 3, 4), D(2026, 3, 16), D(2026, 3, 18), D(2026, 3, 30)]


def test_monthly_is_the_first_taught_weekday_on_or_after_the_day_clamped_to_short_months():
    saturday = (Slot(5, T(8), T(12)),)
    sessions = expand(
        spec(
            pattern=MONTHLY,
            day_of_month=31,
            slots=saturday,
            start_date=D(2026, 1, 1),
            end_date=D(2026, 5, 31),
        )
    )
    # Jan 31 is a Saturday; Feb has 28 days (Sat 28th); Mar 31 → Sat Apr 4; Apr 30 → Sat May 2.
    assert dates(sessions) == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 4, 4), D(2026, 5, 2)]


def test_several_slots_a_day_add_up():
    split = (Slot(0, T(8), T(10)), Slot(0, T(10, 30), T(12, 30)), Slot(2, T(13), T(14, 30)))
    sessions = expand(spec(slots=split))
    monday, wednesday = sessions[0], sessions[1]
    assert (monday.hours, monday.start, monday.end) == (Decimal("4"), T(8), T(12, 30))
    assert wednesday.hours == Decimal("1.5")


def test_exception_dates_are_blocked_with_their_reason():
    sessions = expand(spec(exceptions={D(2026, 3, 9): "Plant shutdown"}))
    blocked = [s for s in sessions if s.blocked]
    assert [(s.date, s.blocked_reason) for s in blocked] == [(D(2026, 3, 9), "Plant shutdown")]


def test_pauses_block_from_the_stop_to_the_day_before_the_restart():
    sessions = expand(spec(pauses=(Pause(D(2026, 3, 9), D(2026, 3, 18), "Client audit"),)))
    assert dates(sessions, blocked=True) == [D(2026, 3, 9), D(2026, 3, 11), D(2026, 3, 16)]
    assert sessions[2].blocked_reason == "Class paused: Client audit"
    assert session_on(spec(), D(2026, 3, 18)) is not None


def test_public_holidays_are_blocked_with_their_name_unless_overridden():
    easter = spec(start_date=D(2026, 3, 30), end_date=D(2026, 4, 30), slots=(
        Slot(0, T(9), T(12)), Slot(4, T(9), T(12)),
    ))  # fmt: skip
    by_date = {s.date: s for s in expand(easter)}
    assert by_date[D(2026, 4, 3)].blocked_reason == "Good Friday"
    assert by_date[D(2026, 4, 6)].blocked_reason == "Family Day"
    assert by_date[D(2026, 4, 27)].blocked_reason == "Freedom Day"

    overridden = expand(
        spec(**{**easter.__dict__, "holiday_overrides": frozenset({D(2026, 4, 3)})})
    )
    assert {s.date: s for s in overridden}[D(2026, 4, 3)].blocked is False


def test_a_sunday_holiday_is_observed_on_the_monday():
    assert public_holiday(D(2026, 8, 9)) == "National Women's Day"
    assert public_holiday(D(2026, 8, 10)) == "National Women's Day (observed)"
    session = session_on(spec(start_date=D(2026, 8, 3), end_date=D(2026, 8, 31)), D(2026, 8, 10))
    assert session.blocked_reason == "National Women's Day (observed)"


def test_the_end_can_be_computed_from_total_hours_skipping_blocked_sessions():
    # 3 h a session; 12 h need four unblocked sessions; the 9th is an exception.
    hours_based = spec(end_date=None, total_hours=Decimal("12"), exceptions={D(2026, 3, 9): "x"})
    sessions = expand(hours_based)
    assert dates(sessions, blocked=False) == [
        D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 11), D(2026, 3, 16),
    ]  # fmt: skip
    assert dates(sessions, blocked=True) == [D(2026, 3, 9)]
    assert end_date(hours_based) == D(2026, 3, 16)


def test_a_stopped_class_has_no_sessions_after_its_stop_date():
    sessions = expand(spec(stop_date=D(2026, 3, 11)))
    assert dates(sessions)[-1] == D(2026, 3, 11)
    assert session_on(spec(stop_date=D(2026, 3, 11)), D(2026, 3, 16)) is None


def test_no_slots_means_no_sessions():
    assert expand(spec(slots=())) == []


def test_session_on_a_day_without_a_slot_is_none():
    assert session_on(spec(), D(2026, 3, 3)) is None  # a Tuesday
    assert session_on(spec(), D(2026, 2, 23)) is None  # before the start


# Property-based: whatever the schedule, the engine's promises hold.
weekday_slots = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.integers(6 * 2, 15 * 2),  # start, in half hours from midnight
        st.integers(1, 8),  # length in half hours
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda t: (t[0], t[1]),
)
start_dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))


def half_hour(n: int) -> T:
    return T(n // 2, 30 * (n % 2))


@st.composite
def schedules(draw):
    start = draw(start_dates)
    slots = tuple(
        Slot(d, half_hour(s), half_hour(s + length)) for d, s, length in draw(weekday_slots)
    )
    pattern = draw(st.sampled_from([WEEKLY, BIWEEKLY, MONTHLY]))
    by_hours = draw(st.booleans())
    exception_days = draw(st.lists(st.integers(0, 200), max_size=5))
    pause = draw(st.none() | st.tuples(st.integers(0, 150), st.integers(1, 60)))
    return ScheduleSpec(
        pattern=pattern,
        start_date=start,
        end_date=None if by_hours else start + datetime.timedelta(days=draw(st.integers(0, 400))),
        total_hours=Decimal(draw(st.integers(1, 300))) if by_hours else None,
        day_of_month=draw(st.integers(1, 31)) if pattern == MONTHLY else None,
        slots=slots,
        exceptions={start + datetime.timedelta(days=n): "Exception" for n in exception_days},
        pauses=()
        if pause is None
        else (
            Pause(
                start + datetime.timedelta(days=pause[0]),
                start + datetime.timedelta(days=pause[0] + pause[1]),
            ),
        ),
    )


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_every_session_is_in_range_on_a_taught_weekday_with_half_hour_hours(schedule):
    sessions = expand(schedule)
    taught = {slot.weekday for slot in schedule.slots}
    last = schedule.end_date or schedule.start_date + datetime.timedelta(days=366 * 5)
    for session in sessions:
        assert schedule.start_date <= session.date <= last
        assert session.weekday in taught
        assert session.hours > 0
        assert session.hours % Decimal("0.5") == 0
    assert [s.date for s in sessions] == sorted({s.date for s in sessions})  # unique, ordered


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_no_session_falls_on_a_blocked_date_unless_marked_blocked(schedule):
    for session in expand(schedule):
        paused = any(p.start <= session.date < p.resume for p in schedule.pauses)
        holiday = public_holiday(session.date) and session.date not in schedule.holiday_overrides
        must_block = session.date in schedule.exceptions or paused or bool(holiday)
        assert session.blocked == must_block


@settings(max_examples=100, deadline=None)
@given(schedules())
def test_a_schedule_by_hours_ends_once_the_hours_are_reached(schedule):
    if schedule.total_hours is None:
        return
    counted = [s.hours for s in expand(schedule) if not s.blocked]
    if counted:
        assert sum(counted[:-1]) < schedule.total_hours
