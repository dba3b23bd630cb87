"""Exit codes of the pewstats commands (cron and CI tell outcomes apart by these)."""

OK = 0
LOAD_FAILED = 1  # some input file was bad: it was recorded (and quarantined by `run`); the rest loaded
USAGE = 2  # wrong options or arguments (click's own code)
INFRASTRUCTURE = 3  # database unreachable, disk or permission problem: nothing was judged
DBT_FAILED = 4  # dbt build/test failed: a model error or a failing data test
LOCKED = 5  # another `pewstats run` holds the lock: this one did nothing
