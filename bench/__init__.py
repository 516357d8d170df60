"""`make bench`: the seed data set and the measurements (see bench/HISTORY.md)."""
