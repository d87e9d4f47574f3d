"""The cluster scripts parse, and refuse to run, with a clear message, when a tool or variable is missing."""
import os
import stat
import tempfile
from pathlib import Path

from .context import Context, Outcome

SCRIPTS = ("scripts/cluster/up", "scripts/cluster/down", "scripts/cluster/create-secrets",
           "scripts/cluster/check-deploy", "scripts/cluster/render-overlay")
CLUSTER_TOOLS = ("terraform", "kops", "kubectl", "helm", "aws")


def syntax(ctx: Context) -> Outcome:
    problems = []
    for script in SCRIPTS:
        path = ctx.root / script
        if not path.exists():
            problems.append(f"{script} is missing")
            continue
        if not os.access(path, os.X_OK):
            problems.append(f"{script} is not executable")
        result = ctx.run(["bash", "-n", str(path)])
        if result.returncode != 0:
            problems.append(f"{script}: {result.stderr.strip()}")
    return Outcome(problems, note=f"bash -n on {len(SCRIPTS)} scripts")


def fake_tools(directory: Path):
    """Stand-ins that only report they were called, so a script that wrongly goes on touches nothing."""
    for tool in CLUSTER_TOOLS:
        path = directory / tool
        path.write_text(f"#!/bin/sh\necho \"stand-in {tool} called\" >&2\nexit 1\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)


def refusals(ctx: Context) -> Outcome:
    problems = []
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as fakes:
        fake_tools(Path(fakes))
        bare_path = f"{empty}:/usr/bin:/bin"
        # Only these directories on PATH: whatever of the cluster tools /usr/bin has must still be refused.
        have = [t for t in CLUSTER_TOOLS if any((Path(d) / t).exists() for d in ("/usr/bin", "/bin"))]
        cases = [
            ("scripts/cluster/up", [], {"PATH": bare_path}, "missing required tool",
             all(t in have for t in CLUSTER_TOOLS)),
            ("scripts/cluster/up", [], {"PATH": f"{fakes}:/usr/bin:/bin"}, "missing required environment variable",
             False),
            ("scripts/cluster/down", [], {"PATH": f"{fakes}:/usr/bin:/bin"}, "--yes", False),
            ("scripts/cluster/down", ["--yes"], {"PATH": bare_path}, "missing required tool",
             all(t in have for t in ("terraform", "kops", "kubectl", "aws"))),
            ("scripts/cluster/create-secrets", [], {"PATH": f"{fakes}:/usr/bin:/bin"},
             "missing required environment variable", False),
        ]
        for script, args, env, message, skip in cases:
            if skip:
                continue
            result = ctx.run([str(ctx.root / script), *args], env={"HOME": empty, **env}, timeout=60)
            label = " ".join([script, *args])
            if result.returncode == 0:
                problems.append(f"{label} exited 0 without {message.strip('-')}")
            elif message not in result.stderr:
                problems.append(f"{label} failed without saying {message!r}: {result.stderr.strip()[:200]}")
            if "stand-in" in result.stderr:
                problems.append(f"{label} called a cluster tool before refusing")
    return Outcome(problems, note="cluster/up, cluster/down, create-secrets without tools or variables")
