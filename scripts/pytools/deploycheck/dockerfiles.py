"""Checks the four Dockerfiles for the same base images, a non-root user, a health check and a slim runtime."""
import re
from pathlib import Path

from .context import SERVICES, Context, Outcome

BUILD_IMAGE = re.compile(r"^swift:[0-9]+\.[0-9]+(\.[0-9]+)?-bookworm$")
RUNTIME_IMAGE = "debian:bookworm-slim"
RUNTIME_LIBRARIES = {"librdkafka1", "libmongoc-1.0-0", "libbson-1.0-0"}
RUNTIME_ALLOWED = RUNTIME_LIBRARIES | {"ca-certificates", "tzdata"}
# A batch job has no endpoint to probe; only these may declare HEALTHCHECK NONE.
WITHOUT_HEALTH_ENDPOINT = {"trainer"}


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    result, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        result.append((keyword.upper(), arguments.strip()))
    return result


def stages(path: Path) -> list[dict]:
    """Each FROM starts a stage: {'image', 'name', 'body': [(INSTRUCTION, arguments)]}."""
    found = []
    for keyword, arguments in instructions(path):
        if keyword == "FROM":
            words = arguments.split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found.append({"image": words[0], "name": name, "body": []})
        elif found:
            found[-1]["body"].append((keyword, arguments))
    return found


def final_stage_user(path: Path):
    """The last USER of the final stage, or None."""
    users = [a for k, a in stages(path)[-1]["body"] if k == "USER"] if stages(path) else []
    return users[-1] if users else None


def apt_packages(body) -> set[str]:
    packages = set()
    for keyword, arguments in body:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", arguments):
            words = command.split()
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                packages.update(w for w in after if not w.startswith("-"))
    return packages


def manifest_folders(root: Path) -> set[str]:
    """The top-level folders the package manifest's targets live in (the manifest fails to load without any of them)."""
    paths = re.findall(r'path:\s*"([^"]+)"', (root / "Package.swift").read_text())
    return {p.split("/")[0] for p in paths}


def copied_folders(body) -> set[str]:
    """Top-level folders a stage copies from the build context (COPY without --from)."""
    copied = set()
    for keyword, arguments in body:
        words = arguments.split()
        if keyword == "COPY" and words and not any(w.startswith("--from") for w in words):
            copied.update(w.rstrip("/").split("/")[0] for w in words[:-1] if not w.startswith("--"))
    return copied


def check(ctx: Context) -> Outcome:
    problems = []
    folders = manifest_folders(ctx.root)
    build_images, runtime_images = set(), set()
    for service in SERVICES:
        path = ctx.root / "docker" / f"Dockerfile.{service}"
        where = f"docker/Dockerfile.{service}"
        if not path.exists():
            problems.append(f"{where} is missing")
            continue
        found = stages(path)
        if len(found) < 2:
            problems.append(f"{where} is not a multi-stage build")
            continue
        build, final = found[0], found[-1]
        missing = folders - copied_folders(build["body"])
        if missing:
            problems.append(f"{where}: the build stage does not copy {sorted(missing)}, where the manifest's targets live")
        build_images.add(build["image"])
        runtime_images.add(final["image"])
        if not BUILD_IMAGE.match(build["image"]):
            problems.append(f"{where}: build stage image {build['image']} is not an official swift:X.Y-bookworm tag")
        if final["image"] != RUNTIME_IMAGE:
            problems.append(f"{where}: runtime image {final['image']} is not {RUNTIME_IMAGE}")
        for stage in found[1:-1]:
            if stage["image"] not in (RUNTIME_IMAGE, build["image"]):
                problems.append(f"{where}: stage {stage['name']} uses a third base image {stage['image']}")
        names = {s["name"] for s in found if s["name"]}
        for keyword, arguments in final["body"]:
            source = re.search(r"--from=(\S+)", arguments)
            if keyword == "COPY" and source and source.group(1) not in names:
                problems.append(f"{where}: COPY --from={source.group(1)} names no stage")
        if not any(k == "RUN" and f"--product {service}" in a and "-c release" in a for k, a in build["body"]):
            problems.append(f"{where}: the build stage does not run swift build -c release --product {service}")
        user = final_stage_user(path)
        uid = (user or "").split(":")[0]
        if not user:
            problems.append(f"{where}: the runtime stage has no USER")
        elif not uid.isdigit() or int(uid) == 0:
            # Kubernetes' runAsNonRoot can only verify a numeric user.
            problems.append(f"{where}: USER {user} is not a numeric non-root uid")
        health = [a for k, a in final["body"] if k == "HEALTHCHECK"]
        if not health:
            problems.append(f"{where}: no HEALTHCHECK")
        elif health[-1].upper() == "NONE" and service not in WITHOUT_HEALTH_ENDPOINT:
            problems.append(f"{where}: HEALTHCHECK NONE on a service that serves /health")
        elif health[-1].upper() != "NONE" and "/health" not in health[-1]:
            problems.append(f"{where}: the HEALTHCHECK does not ask /health")
        if not any(k == "ENTRYPOINT" for k, _ in final["body"]):
            problems.append(f"{where}: no ENTRYPOINT")
        packages = apt_packages(final["body"])
        if not RUNTIME_LIBRARIES <= packages:
            problems.append(f"{where}: the runtime lacks {sorted(RUNTIME_LIBRARIES - packages)}")
        extra = packages - RUNTIME_ALLOWED
        if extra:
            problems.append(f"{where}: the runtime installs more than the runtime libraries: {sorted(extra)}")
        build_packages = apt_packages(build["body"])
        for needed in ("librdkafka-dev", "libmongoc-dev", "libbson-dev", "pkg-config"):
            if needed not in build_packages:
                problems.append(f"{where}: the build stage does not install {needed}")
    if len(build_images) > 1:
        problems.append(f"the Dockerfiles use different Swift images: {sorted(build_images)}")
    if len(runtime_images) > 1:
        problems.append(f"the Dockerfiles use different runtime images: {sorted(runtime_images)}")
    images = ", ".join(sorted(build_images | runtime_images))
    return Outcome(problems, note=f"{len(SERVICES)} Dockerfiles; {images}")
