"""How big and how long: the full bench and the smoke run that `make test` does."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    name: str
    scale_large: float
    scale_small: float
    capture_rounds: int
    capture_warmup: int
    page_reps: int
    admin_reps: int
    sql_reps: int
    export_rows: int
    export_reps: int
    load_users: int
    load_seconds: float
    report_reps: int  # GETs of each report page per scale
    report_csv_reps: int  # downloads of each report CSV per scale
    # The classes of each size that the capture rounds rotate over (bench/capture.py);
    # enrolling their learners is most of the capture phase's setup.
    capture_classes: int = 4


FULL = Config("full", 1.0, 0.01, 30, 3, 20, 10, 30, 100_000, 5, 8, 20, 15, 3)
# `make test`: it runs, it prints, the assertions hold; small enough for seconds.
# Two capture classes per size, not four: the rotation still goes round, on half
# the enrolments (the smoke's few rounds cannot drift a class's history).
SMOKE = Config("smoke", 0.004, 0.001, 3, 1, 3, 2, 3, 1_000, 1, 2, 3, 2, 1, capture_classes=2)
