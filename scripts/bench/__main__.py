"""python -m scripts.bench (what `make bench` runs); see scripts/bench/run.py."""

import sys

from scripts.bench.run import main

sys.exit(main())
