"""Determinism: the notebook test suite (strict nbval on ``chapters/``) run three times in a row.

Each run must have the same outcome for every test (and nbval already compares every printed
number with the committed notebook, so equal outcomes mean equal outputs). About 2 minutes a
run, which is why CI runs the cheaper check in ``tests/test_reliability.py`` instead.

Run ``python -m bench.determinism [--runs N]``; prints one line per run and the verdict.
"""

import argparse
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _outcomes(junit_xml: Path) -> dict[str, str]:
    outcomes = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        outcome = "failed" if failed else "skipped" if skipped else "passed"
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return outcomes


def run(runs: int = 3) -> dict:
    """Outcomes of each run, and whether all runs agree test by test."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for index in range(runs):
            report = Path(folder) / f"run{index}.xml"
            command = [sys.executable, "-m", "pytest", "chapters", "-q", f"--junitxml={report}"]
            subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
            results.append(_outcomes(report))
    return {
        "runs": [
            {outcome: list(r.values()).count(outcome) for outcome in ("passed", "failed")}
            for r in results
        ],
        "identical": all(r == results[0] for r in results),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    result = run(parser.parse_args(argv).runs)
    for index, counts in enumerate(result["runs"], start=1):
        print(f"run {index}: {counts['passed']} passed, {counts['failed']} failed")
    print("identical outcomes in every run" if result["identical"] else "OUTCOMES DIFFER")
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
