"""The office's report pages: capture backlog, learner progress, excessive hours, the
class monthly report and the regulatory export.

An app above classes (DESIGN §5, docs/decisions.md "Issue 10: a reports app"): it
imports classes, progression and learners; none of them imports it. One module per
report (selectors that compute the rows); the numbers all come from
progression.progress, the one definition of progress. Reads go to
`attendance_project.db.reporting_db()` (the read replica when there is one).
"""
