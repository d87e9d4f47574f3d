"""Finds the metric names a PromQL expression reads, without a full PromQL parser.

Label names, function and aggregation names, keywords, numbers, durations and Grafana variables are not
metric names; everything else that looks like an identifier is.
"""
import re

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_LABEL_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE)
_OFFSET = re.compile(r"\boffset\s+-?[0-9a-zA-Z_$]+", re.IGNORECASE)
_AT = re.compile(r"@\s*(?:[0-9.]+|start\(\)|end\(\))")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+|\[\[\w+\]\]")
_NUMBER = re.compile(r"(?<![\w:])(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?![\w:])")
_IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_KEYWORDS = {"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right",
             "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """Returns the metric names `expr` selects, e.g. {"hb_requests"} for `sum(rate(hb_requests[5m]))`."""
    text = _STRING.sub(" ", expr)
    text = _VARIABLE.sub(" ", text)
    # Label matchers and ranges never nest, so one pass each removes them; grouping lists may follow either.
    text = _LABEL_MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _OFFSET.sub(" ", text)
    text = _AT.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        word = match.group(0)
        rest = text[match.end():].lstrip()
        if rest.startswith("("):
            continue  # a function or an aggregation operator
        if word.lower() in _KEYWORDS:
            continue
        names.add(word)
    return names


def exposition_names(text: str) -> set[str]:
    """Every metric name a Prometheus text exposition (a /metrics body) declares or samples."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                name, kind = parts[2], parts[3]
                names.add(name)
                if kind in ("histogram", "summary"):
                    names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
            continue
        match = _IDENTIFIER.match(line)
        if match:
            names.add(match.group(0))
    return names
