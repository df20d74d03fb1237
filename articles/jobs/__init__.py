"""Background work in the PostgreSQL we already have (procrastinate): imports, indexing,
and periodic upkeep. `tasks` defines the jobs, `queue` defers them from web and command
line code, `worker` runs them (`manage.py worker`, or in-process until the queue is empty).
"""
