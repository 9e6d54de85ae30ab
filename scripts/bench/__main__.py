"""python -m scripts.bench (what `make bench` runs); see scripts/bench/run.py.

``--help`` (or ``-h``) prints what the run does and its options, and runs nothing."""

import sys

from scripts.bench import run

if {"-h", "--help"} & set(sys.argv[1:]):
    print(run.__doc__.strip())
    sys.exit(0)
sys.exit(run.main())
