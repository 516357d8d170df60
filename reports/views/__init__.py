"""The staff report pages (reports.py) and the excessive-hours resolution form
(excessive_hours.py). Plumbing only, as in classes.views."""
