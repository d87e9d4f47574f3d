"""Checks the dashboard's HTTP contract (Services/dashboard/src/contract.ts and src/api/products.ts) against a running
system: each interface's required fields must be in what its endpoint answers, with the JSON type the interface names, and every field of
the answer must be one the interface lists. A field renamed on one side only (the simulation job's `id`, sent as
`_id`) fails here instead of leaving the dashboard reading `undefined`.

Run by scripts/testing/system-test after the browser test, with the admin account it made."""
import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[3] / "Services" / "dashboard" / "src"
CONTRACT = SOURCES / "contract.ts"
PRODUCTS = SOURCES / "api" / "products.ts"


def parse_interfaces(text, interfaces=None):
    """`{name: {field: (optional, type)}}` for each top-level `export interface` (nested object types: type "object"),
    added to `interfaces`; an interface that `extends` one already parsed starts with that one's fields."""
    interfaces = {} if interfaces is None else interfaces
    for match in re.finditer(r"export interface (\w+)(?: extends (\w+))? \{\n(.*?)\n\}", text, re.DOTALL):
        fields, depth = dict(interfaces.get(match.group(2), {})) if match.group(2) else {}, 0
        for line in match.group(3).splitlines():
            stripped = line.strip()
            if depth == 0:
                field = re.match(r"(\w+)(\?)?:\s*(.+?);?$", stripped)
                if field:
                    fields[field.group(1)] = (field.group(2) == "?", field.group(3).rstrip(";").strip())
            depth += stripped.count("{") - stripped.count("}")
        interfaces[match.group(1)] = fields
    return interfaces


def json_kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def union_members(ts_type):
    """The members of a union type, split at the `|`s outside `<>`, `{}` and `()` (`Record<"1" | "2", number>` is one)."""
    members, depth, start = [], 0, 0
    for index, char in enumerate(ts_type):
        if char in "<{(":
            depth += 1
        elif char in ">})":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(ts_type[start:index].strip())
            start = index + 1
    members.append(ts_type[start:].strip())
    return members


def allowed_kinds(ts_type, interfaces):
    """The JSON kinds a TypeScript field type admits (a union's members; a quoted literal is a string)."""
    kinds = set()
    for member in union_members(ts_type):
        if member.endswith("[]") or member.startswith("Array<"):
            kinds.add("array")
        elif member.startswith("Record<"):
            kinds.add("object")
        elif member in ("string", "number", "boolean", "null") or member.startswith('"'):
            kinds.add("string" if member.startswith('"') else member)
        elif member == "Label":
            kinds.add("string")
        elif member in interfaces or member.startswith("{"):
            kinds.add("object")
        else:
            kinds.add("unknown")
    return kinds


def check(name, value, interfaces, where, problems):
    """Checks one answer (an object) against interface `name`; returns how many fields it held."""
    fields = interfaces[name]
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a {name} object, got {json_kind(value)}")
        return 0
    for field, (optional, ts_type) in fields.items():
        if field not in value:
            if not optional:
                problems.append(f"{where}: {name}.{field} is missing (answer has {sorted(value)})")
            continue
        kinds = allowed_kinds(ts_type, interfaces)
        if "unknown" not in kinds and json_kind(value[field]) not in kinds:
            problems.append(f"{where}: {name}.{field} is {json_kind(value[field])}, the contract says {ts_type}")
        elif ts_type in interfaces:
            check(ts_type, value[field], interfaces, f"{where}.{field}", problems)
        elif ts_type.endswith("[]") and ts_type[:-2] in interfaces:
            for index, item in enumerate(value[field][:5]):
                check(ts_type[:-2], item, interfaces, f"{where}.{field}[{index}]", problems)
    extra = sorted(set(value) - set(fields))
    if extra:
        problems.append(f"{where}: fields the contract's {name} does not list: {extra}")
    return len(value)


class Client:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.token = None

    def call(self, path, body=None, method=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, (json.loads(raw) if raw else None)


def expect_each(client, expect, problems, checks):
    """GETs each `(interface, path, many)` and checks a 200 answer against the interface; returns the answers by path."""
    answers = {}
    for name, path, many in checks:
        status, answer = client.call(path)
        if status != 200:
            problems.append(f"{path}: {status} {answer}")
            continue
        expect(name, path, status, answer, many)
        answers[path] = answer
    return answers


def check_products(client, expect, problems):
    """The catalog's answers against products.ts: a page, the top lists, one product, its reviews, a search."""
    top = "/api/v1/products/top?by=reviews&limit=5"
    answers = expect_each(client, expect, problems, [
        ("ProductPage", "/api/v1/products?sort=reviews&limit=5", False),
        ("ProductSummary", top, True),
        ("ProductSummary", "/api/v1/products/top?by=rating&limit=5", True),
        ("SearchResults", "/api/v1/search?q=fabric&limit=5", False),
    ])
    leading = answers.get(top)
    product = leading[0].get("id") if isinstance(leading, list) and leading and isinstance(leading[0], dict) else None
    if not isinstance(product, str):
        problems.append("/api/v1/products/top: no product to ask about (the system test loads a catalog first)")
        return
    path = f"/api/v1/products/{urllib.parse.quote(product, safe='')}"
    expect_each(client, expect, problems, [("ProductDetail", path, False)])
    path += "/reviews?limit=5"
    status, answer = client.call(path)
    if status != 200 or not isinstance(answer, dict) or not set(answer) <= {"reviews", "nextBefore"} \
            or not isinstance(answer.get("reviews"), list):
        problems.append(f"{path}: {status} {answer} (expected {{reviews: ProductReview[], nextBefore?: number}})")
    elif answer["reviews"]:
        expect("ProductReview", path, status, answer["reviews"], many=True)
    else:
        problems.append(f"{path}: no reviews of the product the top list leads with")


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.testing.contract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--user", required=True, help="an admin account")
    parser.add_argument("--password-env", default="DASHBOARD_ADMIN_PASSWORD",
                        help="environment variable holding its password (not a flag: flags show in `ps`)")
    args = parser.parse_args()
    password = os.environ.get(args.password_env)
    if not password:
        sys.exit(f"contract: ${args.password_env} is not set")

    interfaces = parse_interfaces(CONTRACT.read_text(encoding="utf-8"))
    expected = {"WordCount", "Prediction", "AccuracyPoint", "Summary", "ReviewStatus", "ErrorBody", "UserProfile",
                "LoginResponse", "OwnReview", "OwnReviews", "SimulationJob", "Recommendation"}
    if not expected <= set(interfaces):
        sys.exit(f"contract: {CONTRACT} lacks {sorted(expected - set(interfaces))}")
    parse_interfaces(PRODUCTS.read_text(encoding="utf-8"), interfaces)
    expected = {"ProductSummary", "ProductDetail", "ProductPage", "ProductReview", "SearchResults"}
    if not expected <= set(interfaces):
        sys.exit(f"contract: {PRODUCTS} lacks {sorted(expected - set(interfaces))}")
    client, problems, checked = Client(args.base_url), [], []

    def expect(name, path, status, answer, many=False):
        where = f"{path} ({status})"
        if many:
            if not isinstance(answer, list) or not answer:
                problems.append(f"{where}: expected a non-empty list of {name}, got {json_kind(answer)}")
                return
            for index, item in enumerate(answer[:5]):
                check(name, item, interfaces, f"{where}[{index}]", problems)
        else:
            check(name, answer, interfaces, where, problems)
        checked.append(name)

    status, login = client.call("/api/v1/login", {"username": args.user, "password": password})
    if status != 200:
        sys.exit(f"contract: logging in as {args.user} got {status}: {login}")
    expect("LoginResponse", "/api/v1/login", status, login)
    client.token = login.get("token")

    expect_each(client, expect, problems, [
        ("WordCount", "/api/results/wordcount?limit=5", True),
        ("Prediction", "/api/results/sentiment", True),
        ("AccuracyPoint", "/api/results/sentiment/accuracy", True),
        ("Summary", "/api/v1/summary", False),
        ("UserProfile", "/api/v1/me", False),
        ("OwnReviews", "/api/v1/me/reviews?limit=5&skip=0", False),
        ("SimulationJob", "/api/v1/simulate", False),
    ])

    status, answer = client.call("/api/v1/me/recommendations")
    if status == 200 and isinstance(answer, dict) and set(answer) == {"recommendations"}:
        if answer["recommendations"]:
            expect("Recommendation", "/api/v1/me/recommendations", status, answer["recommendations"], many=True)
    else:
        problems.append(f"/api/v1/me/recommendations: {status} {answer} (expected {{recommendations: [...]}})")

    status, posted = client.call("/api/v1/reviews", {"reviewText": "A contract check: soft fabric, true to size.", "overall": 5})
    if status not in (201, 202) or not isinstance(posted, dict) or not isinstance(posted.get("id"), str):
        problems.append(f"POST /api/v1/reviews: {status} {posted} (expected {{id: string}})")
    else:
        path = f"/api/v1/reviews/{posted['id']}"
        status, answer = client.call(path)
        expect("ReviewStatus", path, status, answer)

    check_products(client, expect, problems)

    status, answer = client.call("/api/v1/no-such-thing")
    if status != 404:
        problems.append(f"/api/v1/no-such-thing: {status}, expected 404")
    expect("ErrorBody", "/api/v1/no-such-thing", status, answer)

    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        sys.exit(1)
    print(f"contract: {len(checked)} answers matched {len(set(checked))} interfaces of {CONTRACT.name} and {PRODUCTS.name}")


if __name__ == "__main__":
    main()
