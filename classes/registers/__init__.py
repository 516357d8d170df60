"""The register on paper and back (issue 12): the printable PDF register of a session
and of a class-month (`pdf`), the signed scan that comes back (`scans` checks a file,
`models` keeps it, classes.services.signed_registers stores it) and the office's list
of captured sessions still missing one (`missing`)."""
