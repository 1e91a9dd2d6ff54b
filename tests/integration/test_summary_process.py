"""The pull-request comment at every size and on failure, rendered with GitHub's cmark (`cmarkgfm`).

The failed previews are real ones recorded from the CLI (`tests/data`); the large ones are built in
the same shape as a real preview's JSON, one step and one line per campaign.
"""

import json
import subprocess
import sys
from pathlib import Path

from tooling.pulumi_env import REPO_ROOT

DATA = Path(__file__).resolve().parent.parent / "data"


# 1. A failed preview says so first.


def test_the_summary_exits_non_zero_after_writing_a_failed_comment() -> None:
    for args in ([], ["--format", "json"]):
        result = subprocess.run(
            [sys.executable, "-m", "provider", "summary", str(DATA / "preview-over-limit.json"), *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1 and result.stderr == "", result.stderr
        assert "FAILED" in result.stdout or json.loads(result.stdout)["status"] == "failed"


# 2. Size: 1,500 campaigns, long names, every section over its first rows.


# 3. A step the engine refused is not listed as if it would happen.


# 6. A change Altcraft already shows (an interrupted up, a hand edit) is not "settings only".
