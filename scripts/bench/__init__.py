"""`make bench`: consult under gunicorn next to bare Flask baselines, measured in the same run.

Kept import-free: the baseline app (``scripts.bench.baseline``) is loaded by gunicorn workers
through this package and must not pull in anything else.
"""
