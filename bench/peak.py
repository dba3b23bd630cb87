"""Run a command and write its peak RSS (KiB; it and the processes it waited for) to a file.

    python bench/peak.py OUT_FILE COMMAND...

The benchmarks start commands through this small process rather than directly: Linux
carries a process's peak RSS across exec, so a command forked straight from a benchmark
that has just decompressed hundreds of MB would report the benchmark's memory, not its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    out, cmd = Path(sys.argv[1]), sys.argv[2:]
    proc = subprocess.Popen(cmd)
    _pid, status, usage = os.wait4(proc.pid, 0)
    out.write_text(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
