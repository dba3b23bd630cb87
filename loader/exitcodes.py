"""Exit codes of the pewstats commands (cron and CI tell outcomes apart by these)."""

OK = 0
# 1 means only this; Python's own exit code for an uncaught exception is 1 too, so the entry
# point turns every unexpected error into CRASHED
LOAD_FAILED = 1  # some input file was bad: it was recorded (and quarantined by `run`); the rest loaded
USAGE = 2  # wrong options or arguments (click's own code)
INFRASTRUCTURE = 3  # database unreachable, disk or permission problem: nothing was judged
DBT_FAILED = 4  # dbt build/test failed: a model error or a failing data test
LOCKED = 5  # another `pewstats run` holds the lock: this one did nothing
CRASHED = 6  # an unexpected error (a bug): one line and the traceback; never 1, never a success
