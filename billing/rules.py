"""The pay rules (issue 14), as pure functions: which outcome a recorded session had,
what that outcome pays (a billing_pay_rules row says), and the money of a line.

No database here: billing.payable reads the sessions and the rules' rows and calls
these, so the table-driven tests can run every edge without one.
"""

from __future__ import annotations

import datetime
import enum
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


class Outcome(enum.StrEnum):
    """What happened to a recorded session, as the pay rules name it."""

    CAPTURED = "captured"  # held, and at least one learner was there
    ALL_ABSENT = "all_absent"  # held (captured), but every learner was absent
    AGENT_ABSENT = "agent_absent"  # the facilitator did not come
    CLIENT_CANCELLED_LATE = "client_cancelled_late"  # cancelled within the notice period
    CLIENT_CANCELLED = "client_cancelled"  # cancelled in time


class Pays(enum.StrEnum):
    SCHEDULED_HOURS = "scheduled_hours"
    TRAVEL_ALLOWANCE = "travel_allowance"
    NOTHING = "nothing"


# The defaults (docs/decisions.md, "Pay rules"): the data migration billing 0001 and
# schema/025 write them as rows, which office admins may change.
DEFAULT_RULES: dict[Outcome, Pays] = {
    Outcome.CAPTURED: Pays.SCHEDULED_HOURS,
    Outcome.ALL_ABSENT: Pays.TRAVEL_ALLOWANCE,
    Outcome.AGENT_ABSENT: Pays.NOTHING,
    Outcome.CLIENT_CANCELLED_LATE: Pays.SCHEDULED_HOURS,
    Outcome.CLIENT_CANCELLED: Pays.NOTHING,
}

DESCRIPTIONS: dict[Outcome, str] = {
    Outcome.CAPTURED: "Session held: its scheduled hours are paid",
    Outcome.ALL_ABSENT: "Session held, every learner absent: the travel allowance is paid",
    Outcome.AGENT_ABSENT: "Facilitator absent: not paid",
    Outcome.CLIENT_CANCELLED_LATE: (
        "Client cancelled within the client's notice period: the scheduled hours are paid"
    ),
    Outcome.CLIENT_CANCELLED: "Client cancelled in time: not paid",
}


OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.CAPTURED: "Session held",
    Outcome.ALL_ABSENT: "Session held, every learner absent",
    Outcome.AGENT_ABSENT: "Facilitator absent",
    Outcome.CLIENT_CANCELLED_LATE: "Client cancelled within the client's notice period",
    Outcome.CLIENT_CANCELLED: "Client cancelled in time",
}
PAYS_WORDS: dict[Pays, str] = {
    Pays.SCHEDULED_HOURS: "the scheduled hours are paid",
    Pays.TRAVEL_ALLOWANCE: "the travel allowance is paid",
    Pays.NOTHING: "not paid",
}


def rule_words(outcome: str, pays: str) -> str:
    """The rule that priced a line, in words: its default's description, or what the
    outcome pays now that an office admin changed it."""
    if outcome not in Outcome.__members__.values():
        return outcome
    known = Outcome(outcome)
    if not pays or pays == DEFAULT_RULES[known]:
        return DESCRIPTIONS[known]
    return f"{OUTCOME_WORDS[known]}: {PAYS_WORDS.get(Pays(pays), pays)}"


def session_outcome(
    *,
    status: str,
    hours_present: Decimal,
    starts_at: datetime.datetime,
    recorded_at: datetime.datetime,
    notice_hours: int,
) -> Outcome | None:
    """The outcome of a session with `status` ("pending": none). A cancellation is
    late when it was recorded less than `notice_hours` before the session's start
    (exactly that many hours before is in time; 0 hours: never late)."""
    if status == "captured":
        return Outcome.CAPTURED if hours_present > 0 else Outcome.ALL_ABSENT
    if status == "agent_absent":
        return Outcome.AGENT_ABSENT
    if status == "client_cancelled":
        notice = datetime.timedelta(hours=notice_hours)
        late = notice_hours > 0 and starts_at - recorded_at < notice
        return Outcome.CLIENT_CANCELLED_LATE if late else Outcome.CLIENT_CANCELLED
    return None


def payable_hours(
    *, pays: str, scheduled_hours: Decimal, travel_allowance_hours: Decimal
) -> Decimal:
    if pays == Pays.SCHEDULED_HOURS:
        return scheduled_hours
    if pays == Pays.TRAVEL_ALLOWANCE:
        return travel_allowance_hours
    return ZERO


def money(value: Decimal) -> Decimal:
    """Rounded to the cent, halves up (as invoices round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pay_amount(*, basis: str, rate: Decimal, hours: Decimal, scheduled_hours: Decimal) -> Decimal:
    """A session line's pay: hourly, the hours times the rate; daily, the day's rate
    for the session's scheduled hours, in proportion for fewer (a travel allowance)."""
    if basis == "hourly":
        return money(hours * rate)
    if scheduled_hours <= 0:
        return ZERO
    return money(rate * min(hours, scheduled_hours) / scheduled_hours)


def bill_amount(*, basis: str, rate: Decimal, hours: Decimal) -> Decimal:
    """One learner's day on a client statement: hourly, the hours trained times the
    rate; daily, the rate for a day with hours trained (a reversed day: minus it)."""
    if basis == "hourly":
        return money(hours * rate)
    if hours > 0:
        return money(rate)
    if hours < 0:
        return -money(rate)
    return ZERO
