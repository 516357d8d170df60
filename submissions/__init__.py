"""Exactly-once form submissions (DESIGN rule 12).

Every form that writes carries a one-time submission key issued with the form; the
service that does the write records the key under a UNIQUE constraint in the same
transaction, so a replay of the key (double click, a phone re-sending after a dropped
connection, a retry reaching another server) finds the first outcome instead of
writing again. The app sits below every other app of ours: progression and classes
services both record keys, and it imports none of them.
"""
