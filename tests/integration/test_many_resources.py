"""More than 1,000 campaigns in one program: Pulumi's pickling RecursionError must not happen.

Runs the real Resource constructors (which serialize the provider) under Pulumi's mocks, in a
subprocess so the mocks and the pickler patching stay out of the test process.
"""

import subprocess
import sys

from tooling.pulumi_env import REPO_ROOT

PROGRAM = """
import sys
import pulumi
from pulumi.runtime import Mocks, set_mocks

class M(Mocks):
    def new_resource(self, args):
        return [args.name + "-id", args.inputs]
    def call(self, args):
        return {}

set_mocks(M(), project="altcraft-campaigns", stack="test", preview=False)

from provider.engine import workarounds
from provider.engine.campaign_provider import CampaignResource
from provider.planning.reconcile import Desired

if sys.argv[1] == "unguarded":
    workarounds.before_registering = lambda: None   # what Pulumi does on its own

for i in range(1, int(sys.argv[2]) + 1):
    CampaignResource(Desired(i, True))
print("declared", i)
"""


def declare(mode: str, count: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, mode, str(count)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )


def test_1500_campaigns_declare_without_recursion_error() -> None:
    result = declare("guarded", 1500)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "declared 1500" in result.stdout


def test_without_the_guard_pulumi_fails_so_the_test_means_something() -> None:
    result = declare("unguarded", 1500)
    assert result.returncode != 0
    assert "RecursionError" in result.stderr
