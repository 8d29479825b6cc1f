"""Follow-up statistics from Rasa's own tracker store: aggregation, report, editor loop.

Reads the SQL tracker store's ``events`` table (the same database the servers write),
aggregates SQL-side per ISO week and never shows a group smaller than the threshold.
"""
