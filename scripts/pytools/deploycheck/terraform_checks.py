"""terraform fmt, an HCL parse of every file, and the state bucket's required settings."""
import re

import hcl2

from .context import Context, Outcome


def fmt(ctx: Context) -> Outcome:
    result = ctx.run([ctx.tool("terraform"), "fmt", "-check", "-diff", "-recursive", "-no-color", "terraform"])
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).strip().splitlines() or [f"exit status {result.returncode}"]
        return Outcome(lines[:40])
    return Outcome(note=ctx.run([ctx.tool("terraform"), "version"]).stdout.splitlines()[0])


def unquote(value):
    """python-hcl2 keeps HCL's quotes on keys and strings; the rules compare bare values."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


def blocks(parsed, kind):
    """Flattens [{"type": {"name": body}}] into {(type, name): body} (or {name: body} for one-label blocks)."""
    found = {}
    for entry in parsed.get(kind) or []:
        for first, inner in unquote(entry).items():
            if kind in ("resource", "data"):
                for second, body in inner.items():
                    found[(first, second)] = body
            else:
                found[first] = inner
    return found


def parse(ctx: Context) -> Outcome:
    problems, merged = [], {}
    files = sorted((ctx.root / "terraform").glob("*.tf")) + sorted((ctx.root / "terraform").glob("*.tfvars*"))
    if not files:
        return Outcome(["terraform/ has no .tf files"])
    for path in files:
        try:
            with path.open() as handle:
                parsed = hcl2.load(handle)
        except Exception as error:  # noqa: BLE001 - python-hcl2 raises lark errors of several types
            problems.append(f"{path.relative_to(ctx.root)}: {type(error).__name__}: {str(error).splitlines()[0]}")
            continue
        if path.suffix == ".tf":
            for kind in ("resource", "data", "output", "variable"):
                merged.setdefault(kind, {}).update(blocks(parsed, kind))
    if problems:
        return Outcome(problems)
    resources, outputs, variables = merged["resource"], merged["output"], merged["variable"]

    def resource_for_bucket(kind):
        return [body for (t, _), body in resources.items() if t == kind]

    buckets = [name for (t, name) in resources if t == "aws_s3_bucket"]
    if len(buckets) != 1:
        problems.append(f"expected one aws_s3_bucket, found {len(buckets)}")
    versioning = resource_for_bucket("aws_s3_bucket_versioning")
    if not any(b["versioning_configuration"][0].get("status") == "Enabled" for b in versioning):
        problems.append("the state bucket's versioning is not Enabled")
    encryption = resource_for_bucket("aws_s3_bucket_server_side_encryption_configuration")
    algorithms = [r["apply_server_side_encryption_by_default"][0].get("sse_algorithm")
                  for b in encryption for r in b.get("rule", [])]
    if not any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms):
        problems.append("the state bucket has no default server-side encryption")
    blocking = resource_for_bucket("aws_s3_bucket_public_access_block")
    flags = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    if not any(all(b.get(f) is True for f in flags) for b in blocking):
        problems.append("the state bucket's public access block does not set all four flags to true")
    for name in buckets:
        reference = f"aws_s3_bucket.{name}."
        for kind in ("aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
                     "aws_s3_bucket_public_access_block"):
            if not any(reference in str(b.get("bucket")) for b in resource_for_bucket(kind)):
                problems.append(f"{kind} does not point at aws_s3_bucket.{name}")
    # Every output and variable the scripts use must exist.
    for script in ("scripts/cluster/up", "scripts/cluster/down"):
        text = (ctx.root / script).read_text()
        for name in sorted(set(re.findall(r"tf_out\s+([a-z_]+)", text))):
            if name not in outputs:
                problems.append(f"{script} reads terraform output {name}, which terraform/ does not declare")
        for name in sorted(set(re.findall(r"-var\s+([a-z_]+)=", text))):
            if name not in variables:
                problems.append(f"{script} sets terraform variable {name}, which terraform/ does not declare")
    text = " ".join(str(b) for b in list(resources.values()) + list(outputs.values()) + list(merged["data"].values()))
    for name in sorted(set(re.findall(r"var\.([a-z_]+)", text))):
        if name not in variables:
            problems.append(f"var.{name} is used but not declared")
    return Outcome(problems, note=f"{len(files)} files, {len(resources)} resources, {len(outputs)} outputs")
