"""The database-side rules of billing that Django's models cannot declare
(PostgreSQL; migration billing 0001 runs these, schema/025_billing.sql carries the
same text for ops, and the schema fidelity test compares the two catalogs):

- rate periods never overlap: an exclusion constraint over the date range of each
  class and facilitator (facilitator rates) and of each client and programme (client
  rates; a client-wide rate, programme NULL, is its own group), which needs the
  btree_gist extension for the equality part;
- frozen statements, their lines, claim steps and month closes are append-only.
"""

from billing.models import CLAIM_ACTIONS_HINT, STATEMENTS_HINT
from classes.closed_months import APPEND_ONLY_HINT as MONTH_CLOSES_HINT
from classes.closed_months import TABLE as MONTH_CLOSES

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"

# (table, constraint, the EXCLUDE clause)
EXCLUSIONS = [
    (
        "billing_facilitator_rates",
        "billing_facilitator_rates_no_overlap",
        "EXCLUDE USING gist (class_id WITH =, facilitator_id WITH =, "
        "daterange(valid_from, valid_until, '[]') WITH &&)",
    ),
    (
        "billing_client_rates",
        "billing_client_rates_no_overlap",
        "EXCLUDE USING gist (client_id WITH =, (COALESCE(programme_id, 0)) WITH =, "
        "daterange(valid_from, valid_until, '[]') WITH &&)",
    ),
]

APPEND_ONLY = [
    ("billing_statements", STATEMENTS_HINT),
    ("billing_statement_lines", STATEMENTS_HINT),
    ("billing_claim_actions", CLAIM_ACTIONS_HINT),
    (MONTH_CLOSES, MONTH_CLOSES_HINT),
]


def add_exclusions() -> list[str]:
    return [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {clause}'
        for table, name, clause in EXCLUSIONS
    ]


def drop_exclusions() -> list[str]:
    return [
        f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"' for table, name, _ in EXCLUSIONS
    ]
