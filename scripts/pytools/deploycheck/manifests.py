"""Renders each overlay and validates every document: built-in kinds with kubernetes-validate --strict,
operator custom resources with this project's own JSON schemas (schemas/)."""
import json
import tempfile
from pathlib import Path

import jsonschema
import yaml

from .context import Context, Outcome

SCHEMA_DIR = Path(__file__).parent / "schemas"
CUSTOM_RESOURCES = {
    ("kafka.strimzi.io/v1beta2", "Kafka"): "strimzi-kafka.json",
    ("kafka.strimzi.io/v1beta2", "KafkaNodePool"): "strimzi-kafkanodepool.json",
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): "strimzi-kafkatopic.json",
    ("kafka.strimzi.io/v1beta2", "KafkaUser"): "strimzi-kafkauser.json",
    ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"): "mongodbcommunity.json",
}


def describe(doc: dict) -> str:
    return f"{doc.get('kind', '?')}/{(doc.get('metadata') or {}).get('name', '?')}"


def render(ctx: Context, overlay: str) -> Outcome:
    docs = ctx.render(overlay)
    kinds = {}
    for doc in docs:
        kinds[doc.get("kind")] = kinds.get(doc.get("kind"), 0) + 1
    return Outcome(note=f"{len(docs)} documents, {len(kinds)} kinds")


def validate_builtin(ctx: Context, overlay: str) -> Outcome:
    docs = [d for d in ctx.render(overlay) if (d.get("apiVersion"), d.get("kind")) not in CUSTOM_RESOURCES]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix=f"{overlay}-") as handle:
        yaml.safe_dump_all(docs, handle, sort_keys=False)
        handle.flush()
        result = ctx.run([ctx.tool("kubernetes-validate"), "--strict", "-k", ctx.kubernetes_version, handle.name])
    problems = []
    lines = (result.stdout + result.stderr).splitlines()
    # A kind it has no schema for is only a WARN with exit status 0, so any WARN counts as a failure.
    problems += [line.replace(handle.name, overlay) for line in lines if not line.startswith("INFO")]
    if result.returncode != 0 and not problems:
        problems.append(f"kubernetes-validate exited with status {result.returncode}")
    passed = sum(1 for line in lines if line.startswith("INFO") and " passed " in line)
    if passed != len(docs):
        problems.append(f"{passed} of {len(docs)} built-in documents passed")
    return Outcome(problems, note=f"{len(docs)} resources, Kubernetes {ctx.kubernetes_version}, strict")


def validate_custom(ctx: Context, overlay: str) -> Outcome:
    problems, count = [], 0
    for doc in ctx.render(overlay):
        key = (doc.get("apiVersion"), doc.get("kind"))
        if key not in CUSTOM_RESOURCES:
            continue
        count += 1
        schema = json.loads((SCHEMA_DIR / CUSTOM_RESOURCES[key]).read_text())
        validator = jsonschema.Draft202012Validator(schema)
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path) or "(document)"
            problems.append(f"{describe(doc)} {where}: {error.message}")
    if count == 0:
        problems.append("no operator resources found (expected Kafka, KafkaNodePool, KafkaTopic, KafkaUser, MongoDBCommunity)")
    return Outcome(problems, note=f"{count} operator resources against scripts/pytools/deploycheck/schemas/")
