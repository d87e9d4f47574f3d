"""Runs every offline deployment check and prints one line per check; exits 1 if any fails.

    scripts/cluster/check-deploy [--metrics-url URL]... [--only NAME]... [--root DIR] [--list]
"""
import argparse
import sys
import time
from pathlib import Path

from .. import ROOT
from . import dockerfiles, gitlab_ci, grafana, manifests, rules, scripts_checks, terraform_checks
from .context import OVERLAYS, Context, Outcome, RenderError

SCANNED = ("docker", "k8s", "terraform", ".gitlab-ci.yml", "scripts/cluster", "scripts/pytools/deploycheck")


def yamllint(ctx: Context) -> Outcome:
    config = Path(__file__).parent / "yamllint.yaml"
    targets = ["k8s", ".gitlab-ci.yml", "scripts/pytools/deploycheck"]
    result = ctx.run([ctx.tool("yamllint"), "-c", str(config), "--strict", "-f", "parsable", *targets])
    if result.returncode != 0:
        return Outcome((result.stdout + result.stderr).strip().splitlines()[:40] or ["yamllint failed"])
    return Outcome(note="k8s/, .gitlab-ci.yml, scripts/pytools/deploycheck/ (strict)")


def credentials(ctx: Context) -> Outcome:
    problems, count = [], 0
    for entry in SCANNED:
        path = ctx.root / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            count += 1
            # The patterns themselves live in gitlab_ci.py and would match their own definitions.
            if file.name == "gitlab_ci.py":
                continue
            for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1):
                for pattern, what in gitlab_ci.CREDENTIAL_PATTERNS:
                    if pattern.search(line):
                        problems.append(f"{file.relative_to(ctx.root)}:{number} looks like {what}")
    return Outcome(problems, note=f"{count} files")


def checks():
    found = [("dockerfiles", dockerfiles.check)]
    for overlay in OVERLAYS:
        found.append((f"kustomize-render:{overlay}", lambda c, o=overlay: manifests.render(c, o)))
    for overlay in OVERLAYS:
        found.append((f"kubernetes-validate:{overlay}", lambda c, o=overlay: manifests.validate_builtin(c, o)))
    for overlay in OVERLAYS:
        found.append((f"operator-schemas:{overlay}", lambda c, o=overlay: manifests.validate_custom(c, o)))
    for overlay in OVERLAYS:
        found.append((f"manifest-rules:{overlay}", lambda c, o=overlay: rules.check(c, o)))
    found += [
        ("yamllint", yamllint),
        ("gitlab-ci-schema", gitlab_ci.schema),
        ("gitlab-ci-rules", gitlab_ci.rules),
        ("terraform-fmt", terraform_checks.fmt),
        ("terraform-hcl", terraform_checks.parse),
        ("grafana-dashboard", grafana.load),
        ("grafana-metrics", grafana.metrics),
        ("scripts-syntax", scripts_checks.syntax),
        ("scripts-refuse", scripts_checks.refusals),
        ("no-credentials", credentials),
    ]
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics-url", action="append", default=[], metavar="URL",
                        help="a service's /metrics URL; the dashboard's metrics are checked against the union "
                             "of these live scrapes instead of exported-metrics.txt (repeatable)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only checks whose name contains NAME (repeatable)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the repository to check (default: this one)")
    parser.add_argument("--kubernetes-version", default="1.31.0", help="schema version for kubernetes-validate")
    parser.add_argument("--list", action="store_true", help="print the check names and exit")
    args = parser.parse_args(argv)

    selected = [(n, f) for n, f in checks() if not args.only or any(o in n for o in args.only)]
    if args.list:
        print("\n".join(name for name, _ in selected))
        return 0
    if not selected:
        print(f"no check matches {args.only}", file=sys.stderr)
        return 2
    tools_root = ROOT
    ctx = Context(root=args.root.resolve(), tools_root=tools_root, venv_bin=tools_root / ".venv/bin",
                  kubernetes_version=args.kubernetes_version, metrics_urls=args.metrics_url)
    width = max(len(name) for name, _ in selected)
    failed = 0
    for name, function in selected:
        start = time.monotonic()
        try:
            outcome = function(ctx)
        except RenderError as error:
            outcome = Outcome([f"kustomize failed: {error}"])
        except Exception as error:  # noqa: BLE001 - a check that crashes is a failed check, with the reason on its line
            outcome = Outcome([f"{type(error).__name__}: {error}"])
        seconds = time.monotonic() - start
        status = "ok  " if not outcome.problems else "FAIL"
        detail = outcome.note if not outcome.problems else f"{len(outcome.problems)} problem(s)"
        print(f"{status} {name:<{width}} {seconds:6.2f}s  {detail}", flush=True)
        for problem in outcome.problems[:30]:
            print("       " + " ".join(problem.split()), flush=True)
        if len(outcome.problems) > 30:
            print(f"       … and {len(outcome.problems) - 30} more", flush=True)
        failed += bool(outcome.problems)
    print(f"{len(selected) - failed} of {len(selected)} deployment checks passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
