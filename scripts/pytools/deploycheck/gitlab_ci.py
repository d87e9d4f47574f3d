"""The GitLab pipeline: GitLab's own schema, then the stages, images, tags and rollback this project needs."""
import re

import yaml

from .context import DEPLOYMENTS, SERVICES, Context, Outcome

CREDENTIAL_PATTERNS = [
    (re.compile(r"AKIA[0-9A-Z]{16}"), "an AWS access key id"),
    (re.compile(r"glpat-[0-9A-Za-z_-]{20}"), "a GitLab personal access token"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"(?i)(password|passwd|secret|token)\s*[:=]\s*[\"']?(?![\"']?\\?[$<({])[^\s\"']{6,}"),
     "a literal credential"),
]


def schema(ctx: Context) -> Outcome:
    result = ctx.run([ctx.tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"])
    if result.returncode != 0:
        return Outcome((result.stdout + result.stderr).strip().splitlines()[:40] or ["check-jsonschema failed"])
    return Outcome(note="check-jsonschema vendor.gitlab-ci")


def script_text(job) -> str:
    parts = []
    for key in ("before_script", "script", "after_script"):
        value = job.get(key) or []
        parts += value if isinstance(value, list) else [value]
    return "\n".join(str(p) for p in parts)


def rules(ctx: Context) -> Outcome:
    path = ctx.root / ".gitlab-ci.yml"
    text = path.read_text()
    pipeline = yaml.safe_load(text)
    problems = []
    if pipeline.get("stages") != ["test", "build", "deploy"]:
        problems.append(f"stages are {pipeline.get('stages')}, expected [test, build, deploy]")
    jobs = {name: job for name, job in pipeline.items()
            if isinstance(job, dict) and not name.startswith(".") and "script" in job}
    by_stage = {}
    for name, job in jobs.items():
        by_stage.setdefault(job.get("stage", "test"), []).append((name, job))

    if not any("scripts/test" in script_text(job) for _, job in by_stage.get("test", [])):
        problems.append("no test-stage job runs scripts/test")

    built = set()
    for name, job in by_stage.get("build", []):
        image = job.get("image")
        image = image.get("name") if isinstance(image, dict) else image
        body = script_text(job)
        if "kaniko" not in str(image) or "/kaniko/executor" not in body:
            problems.append(f"build job {name} does not build with kaniko")
        if "$CI_COMMIT_SHA" not in body or "$CI_REGISTRY_IMAGE" not in body:
            problems.append(f"build job {name} does not push $CI_REGISTRY_IMAGE/…:$CI_COMMIT_SHA")
        matrix = (job.get("parallel") or {}).get("matrix") if isinstance(job.get("parallel"), dict) else None
        values = [v for entry in matrix or [] for v in entry.get("SERVICE", [])]
        if values:
            built.update(values)
            if "docker/Dockerfile.$SERVICE" not in body:
                problems.append(f"build job {name} does not use docker/Dockerfile.$SERVICE")
        else:
            built.update(s for s in SERVICES if f"Dockerfile.{s}" in body)
    for service in SERVICES:
        if service not in built:
            problems.append(f"no build job builds the {service} image")
        elif not (ctx.root / "docker" / f"Dockerfile.{service}").exists():
            problems.append(f"the pipeline builds docker/Dockerfile.{service}, which does not exist")

    deploys = by_stage.get("deploy", [])
    if not deploys:
        problems.append("no deploy-stage job")
    for name, job in deploys:
        body = script_text(job)
        conditions = [r.get("if", "") for r in job.get("rules") or []]
        if not conditions or not all("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in c for c in conditions):
            problems.append(f"deploy job {name} is not limited to the default branch")
        for needed in ("set image", "rollout status", "rollout undo"):
            if needed not in body:
                problems.append(f"deploy job {name} does not run kubectl {needed}")
        for deployment in DEPLOYMENTS:
            if deployment not in body:
                problems.append(f"deploy job {name} does not roll out {deployment}")

    for number, line in enumerate(text.splitlines(), 1):
        for pattern, what in CREDENTIAL_PATTERNS:
            if pattern.search(line):
                problems.append(f".gitlab-ci.yml:{number} looks like {what}")
    return Outcome(problems, note=f"{len(jobs)} jobs")
