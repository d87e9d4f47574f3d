"""The project's Python tools, run from the bash wrappers in scripts/ as `python -m pytools.<group>.<module>`.

  pytools.local        the local stack: dataset, feed, topic retention, database ping, dashboard samples
  pytools.testing      the system test's checks
  pytools.chaos        the chaos suite (scripts/testing/chaos, docs/chaos.md)
  pytools.bench        the benchmarks (scripts/bench/, BENCHMARKS.md)
  pytools.deploycheck  the offline deployment checks (scripts/cluster/check-deploy)

The wrappers put scripts/ on PYTHONPATH (scripts/lib.sh); nothing here is installed."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository's root folder."""
