"""The office's report pages: capture backlog, learner progress, excessive hours, the
class monthly report and the regulatory export.

One module per report (selectors that compute the rows); the numbers all come from
progression.progress, the one definition of progress. Reads go to
`attendance_project.db.reporting_db()` (the read replica when there is one).
Nothing is imported here, so that classes.models can import the resolution model
from classes.reports.models without a cycle.
"""
