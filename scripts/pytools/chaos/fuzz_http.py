"""Malformed HTTP over raw sockets against the gateway and an api-server.

Each request is generated from a fixed seed and its number, so a failure is reproduced with `--seed` and
`--only-case N`. Categories and what each must get back (decided in docs/chaos.md):

  garbage      random bytes, then our side half-closed          a 4xx, or the connection closed without an answer
  truncated    a request cut short (head or body), half-closed  a 4xx, or closed without an answer
  chunked      broken chunked encodings                         a 4xx, or closed without an answer
  request-line mutated method, target or version                a 4xx
  header       malformed, oversized or conflicting headers      a 4xx
  body         well-framed POSTs of reviews that break the contract (not JSON, wrong types, missing fields,
               empty or huge text, bad scores, oversize)          a 4xx
  slow         one of the above sent in pieces with pauses (< 1.5 s in all)   as the category it mutates

Any 5xx, any 1xx-3xx, a reset, or no answer and no close within the read timeout (a hang) is a failure. After
every few hundred requests each target's /health must answer and its process must be alive."""
import itertools
import json
import random
import select
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

CRLF = b"\r\n"
REVIEW_PATHS = ["/api/v1/reviews", "/api/documents/text"]
GET_PATHS = ["/api/ping", "/api/v1/summary", "/api/results/wordcount", "/health", "/"]
SEPARATORS = b'()<>@,;:\\"/[]?={} \t'


@dataclass
class Case:
    number: int
    category: str
    pieces: list  # (bytes, pause before it in seconds)
    half_close: bool
    lenient: bool  # a clean close without an answer is acceptable
    what: str = ""


@dataclass
class Outcome:
    case: Case
    target: str
    status: int = None
    closed: bool = False
    reset: bool = False
    hang: bool = False
    error: str = None
    seconds: float = 0.0

    @property
    def ok(self):
        if self.hang or self.error:
            return False
        if self.status is not None:
            return 400 <= self.status < 500
        if self.reset:
            return False
        return self.closed and self.case.lenient


def _head(method, path, headers, version=b"HTTP/1.1"):
    lines = [method + b" " + path + b" " + version]
    lines += headers
    return CRLF.join(lines) + CRLF + CRLF


def _std_headers(rng, extra=()):
    headers = [b"Host: 127.0.0.1", b"User-Agent: chaos-fuzz", b"Connection: close"]
    headers += list(extra)
    rng.shuffle(headers)
    return headers


def _random_token(rng, n):
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    return bytes(rng.choice(alphabet) for _ in range(n))


def invalid_review_body(rng):
    """A body that no valid review can be: (bytes, description)."""
    # No byte of the text is JSON syntax, so replacing a structural byte below always breaks the document.
    text = "Lovely soft fabric that fits perfectly"
    kind = rng.randrange(16)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) + b"\xff", "random bytes"
    if kind == 1:
        full = json.dumps({"reviewText": text, "overall": 5}).encode()
        return full[:rng.randrange(1, len(full) - 1)], "truncated JSON"
    if kind == 2:
        return rng.choice([b"[]", b"5", b'"text"', b"null", b"true", b"[1,2]", b'[{"reviewText":"x","overall":5}]']), "not an object"
    if kind == 3:
        return json.dumps({"overall": rng.randint(1, 5)}).encode(), "missing reviewText"
    if kind == 4:
        return json.dumps({"reviewText": text}).encode(), "missing overall"
    if kind == 5:
        value = rng.choice([5, True, [text], {"t": text}, 1.5])
        return json.dumps({"reviewText": value, "overall": 4}).encode(), "reviewText wrong type"
    if kind == 6:
        value = rng.choice(["5", True, [5], {"v": 5}, "five"])
        return json.dumps({"reviewText": text, "overall": value}).encode(), "overall wrong type"
    if kind == 7:
        value = rng.choice(["", " ", "\n\t ", "\u00a0\u2003", "   \r\n"])
        return json.dumps({"reviewText": value, "overall": 3}).encode(), "empty text"
    if kind == 8:
        value = rng.choice([0, 6, -1, 0.999, 5.0001, 1e308, -1e308, 100])
        return json.dumps({"reviewText": text, "overall": value}).encode(), "score out of range"
    if kind == 9:
        return b'{"reviewText": "' + text.encode() + b'", "overall": ' + rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e999x", b"01", b"+1", b".5"]) + b"}", "bad number"
    if kind == 10:
        size = rng.randrange(61_500, 69_000)  # over the 60 KiB text limit, under the 70,000-byte gateway limit
        return json.dumps({"reviewText": "a" * size, "overall": 4}).encode(), "text too long"
    if kind == 11:
        return json.dumps({"reviewText": "b" * rng.randrange(71_000, 200_000), "overall": 4}).encode(), "body over the limit"
    if kind == 12:
        depth = rng.randrange(65, 5000)
        return b'{"reviewText": "x", "overall": 3, "summary": ' + b"[" * depth + b"]" * depth + b"}", "deep nesting"
    if kind == 13:
        return json.dumps({"reviewText": text, "overall": 4, rng.choice(["itemId", "summary"]): rng.choice([True, [1], {"a": 1}, 1.5])}).encode(), "optional field wrong type"
    if kind == 14:
        body = json.dumps({"reviewText": text, "overall": 4}).encode()
        structural = [i for i, b in enumerate(body) if b in b'{}":,']
        index = rng.choice(structural)
        replacement = rng.choice([b"\x00", b"\x01", b"'", b"\\", b"\xc3", b"]", b"{{"])
        return body[:index] + replacement + body[index + 1:], "structural byte replaced"
    # Invalid UTF-8 inside an otherwise valid review.
    return b'{"reviewText": "nice \xc3\x28 \xff fabric", "overall": 4}', "invalid UTF-8"


def _post(rng, body, extra=()):
    path = rng.choice(REVIEW_PATHS).encode()
    headers = _std_headers(rng, [b"Content-Type: application/json", b"Content-Length: %d" % len(body), *extra])
    return _head(b"POST", path, headers) + body


def _chunked(body, rng):
    out, i = b"", 0
    while i < len(body):
        n = rng.randrange(1, 4096)
        out += b"%x\r\n" % len(body[i:i + n]) + body[i:i + n] + CRLF
        i += n
    return out + b"0\r\n\r\n"


def gen_garbage(rng):
    size = rng.choice([1, 2, 10, 100, 1000, rng.randrange(1, 8192)])
    data = bytes(rng.randrange(256) for _ in range(size))
    if rng.random() < 0.3:  # line-shaped garbage
        data = CRLF.join(_random_token(rng, rng.randrange(1, 40)) + bytes([rng.choice(SEPARATORS)]) for _ in range(rng.randrange(1, 20)))
    return [(data, 0.0)], True, True, f"{len(data)} random bytes"


def gen_request_line(rng):
    path = rng.choice(GET_PATHS).encode()
    kind = rng.randrange(9)
    if kind == 0:
        method, what = rng.choice([b"GE T", b"G\x00ET", b"(GET)", b"GET\x7f", b"G{T", b"\x01GET", b"GET;"]), "bad method"
        return _head(method, path, _std_headers(rng)), what
    if kind == 1:
        version, what = rng.choice([b"HTTP/1.x", b"HTP/1.1", b"HTTP/1.1x", b"HTTP/", b"HTTP/1.", b"HTTP/a.b", b"HTTP 1.1", b"HTTP/1.1\x00"]), "bad version"
        return _head(b"GET", path, _std_headers(rng), version), what
    if kind == 2:
        # Inside the target (a space at its end is only extra whitespace before the version, which parsers may
        # accept); `"` and `<` are not allowed in a URI but commonly accepted, so they are not used.
        cut = rng.randrange(1, len(path)) if len(path) > 1 else 1
        bad = rng.choice([b" x", b"\x00", b"\x01", b"\x7f", b"\r", b"\x1b"])
        return _head(b"GET", path[:cut] + bad + path[cut:], _std_headers(rng)), "control or space in target"
    if kind == 3:
        return _head(b"GET", b"/" + b"a" * rng.randrange(90_000, 200_000), _std_headers(rng)), "huge target"
    if kind == 4:
        return b"GET " + path + CRLF + b"Host: x" + CRLF + CRLF, "no version"
    if kind == 5:
        return b"GET" + CRLF + CRLF, "method only"
    if kind == 6:
        return b"GET " + path + b" HTTP/1.1 extra" + CRLF + b"Host: x" + CRLF + CRLF, "extra token"
    if kind == 7:
        return b" GET " + path + b" HTTP/1.1" + CRLF + b"Host: x" + CRLF + CRLF, "leading space"
    return _head(_random_token(rng, rng.randrange(1, 5)) + b"\x00", path, _std_headers(rng)), "NUL after method"


def gen_header(rng):
    kind = rng.randrange(10)
    body = invalid_review_body(rng)[0] if rng.random() < 0.5 else b'{"overall": "x"}'
    if kind == 0:
        bad = rng.choice([b"Host localhost", b"X-Bad", b": empty-name", b"X Bad: 1", b"X-\x00: 1", b"X-(a): 1", b"\x01X: 1"])
        return _head(b"GET", rng.choice(GET_PATHS).encode(), _std_headers(rng, [bad])), "malformed header line"
    if kind == 1:
        value = rng.choice([b"a\x00b", b"a\rb", b"a\x7fb\x00", b"\x00"])
        return _head(b"GET", b"/api/ping", _std_headers(rng, [b"X-Value: " + value])), "control byte in value"
    if kind == 2:
        return _head(b"GET", b"/api/ping", _std_headers(rng, [b"X-Fold: a", b" folded continuation"])), "obsolete line folding"
    if kind == 3:
        return _head(b"GET", b"/api/ping", _std_headers(rng, [b"X-Big: " + b"v" * rng.randrange(90_000, 300_000)])), "huge header"
    if kind == 4:
        many = [b"X-H%d: %s" % (i, b"v" * 100) for i in range(rng.randrange(1000, 3000))]
        return _head(b"GET", b"/api/ping", _std_headers(rng, many)), "too many headers"
    if kind == 5:
        headers = _std_headers(rng, [b"Content-Type: application/json", b"Content-Length: %d" % len(body),
                                     b"Content-Length: %d" % (len(body) + rng.randrange(1, 50))])
        return _head(b"POST", rng.choice(REVIEW_PATHS).encode(), headers) + body, "conflicting Content-Length"
    if kind == 6:
        value = rng.choice([b"-1", b"abc", b"1e3", b"99999999999999999999999", b"0x10", b" ", b"1,2", b"+5"])
        headers = _std_headers(rng, [b"Content-Type: application/json", b"Content-Length: " + value])
        return _head(b"POST", rng.choice(REVIEW_PATHS).encode(), headers) + body, "bad Content-Length"
    if kind == 7:
        headers = _std_headers(rng, [b"Content-Type: application/json", b"Content-Length: %d" % len(body),
                                     b"Transfer-Encoding: chunked"])
        return _head(b"POST", rng.choice(REVIEW_PATHS).encode(), headers) + _chunked(body, rng), "Content-Length with chunked"
    if kind == 8:
        headers = _std_headers(rng, [b"Content-Type: application/json", b"Expect: 100-continue" if rng.random() < 0.5 else b"X-A: b",
                                     b"Content-Length: %d" % rng.randrange(70_001, 10**9)])
        return _head(b"POST", rng.choice(REVIEW_PATHS).encode(), headers) + body, "declared length over the limit"
    headers = _std_headers(rng, [b"Content-Type: application/json", b"Transfer-Encoding: chunked, chunked"])
    return _head(b"POST", rng.choice(REVIEW_PATHS).encode(), headers) + _chunked(body, rng), "chunked twice"


def gen_body(rng):
    body, what = invalid_review_body(rng)
    if rng.random() < 0.3:
        path = rng.choice(REVIEW_PATHS).encode()
        headers = _std_headers(rng, [b"Content-Type: application/json", b"Transfer-Encoding: chunked"])
        return _head(b"POST", path, headers) + _chunked(body, rng), what + " (chunked)"
    return _post(rng, body), what


def gen_chunked(rng):
    path = rng.choice(REVIEW_PATHS).encode()
    head = _head(b"POST", path, _std_headers(rng, [b"Content-Type: application/json", b"Transfer-Encoding: chunked"]))
    data = b'{"reviewText": "nice", "overall": 4}'
    kind = rng.randrange(7)
    if kind == 0:
        size = rng.choice([b"zz", b"-1", b"", b"0x10", b"1 2", b"\x00"])
        return head + size + CRLF + data + CRLF + b"0\r\n\r\n", "bad chunk size"
    if kind == 1:
        return head + b"ffffffffffffffffffff" + CRLF + data, "huge chunk size"
    if kind == 2:
        return head + b"%x" % (len(data) - rng.randrange(1, 10)) + CRLF + data + CRLF + b"0\r\n\r\n", "chunk longer than its size"
    if kind == 3:
        return head + b"%x" % len(data) + CRLF + data + b"0\r\n\r\n", "no CRLF after chunk data"
    if kind == 4:
        return head + b"%x;%s" % (len(data), rng.choice([b"\x00", b"=\x01", b"a b c", b";;;"])) + CRLF + data + CRLF + b"0\r\n\r\n", "bad chunk extension"
    if kind == 5:
        return head + b"%x" % len(data) + CRLF + data + CRLF + b"0" + CRLF + b"Bad Trailer\x00" + CRLF + CRLF, "bad trailer"
    # Valid chunks, but no last chunk: the body never ends.
    return head + b"%x" % len(data) + CRLF + data + CRLF, "no last chunk"


def gen_truncated(rng):
    body = json.dumps({"reviewText": "Lovely soft fabric", "overall": 5}).encode()
    request = _post(rng, body)
    head_end = request.index(CRLF + CRLF) + 4
    if rng.random() < 0.5:
        return request[:rng.randrange(1, head_end - 1)], "head cut short"
    # The whole head, part of a (valid) body: must not be accepted as a review.
    return request[:head_end + rng.randrange(0, len(body) - 1)], "body cut short"


GENERATORS = {
    "garbage": gen_garbage,
    "request-line": gen_request_line,
    "header": gen_header,
    "body": gen_body,
    "chunked": gen_chunked,
    "truncated": gen_truncated,
}
WEIGHTS = {"garbage": 15, "request-line": 15, "header": 15, "body": 25, "chunked": 12, "truncated": 10, "slow": 5}


def generate(seed, number):
    rng = random.Random(f"{seed}-{number}")
    category = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    slow = category == "slow"
    if slow:
        category = rng.choice(["request-line", "header", "body", "chunked", "truncated"])
    made = GENERATORS[category](rng)
    if category == "garbage":
        pieces, half_close, lenient, what = made
    else:
        data, what = made
        half_close = category in ("truncated", "chunked")
        lenient = category in ("truncated", "chunked")
        pieces = [(data, 0.0)]
    if slow:
        data = b"".join(p for p, _ in pieces)
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randrange(2, 12)))) if len(data) > 2 else []
        bounds = [0, *cuts, len(data)]
        pause = 1.2 / max(1, len(cuts))
        pieces = [(data[a:b], pause if i else 0.0) for i, (a, b) in enumerate(itertools.pairwise(bounds))]
        what = "slow: " + what
        category = "slow"
    return Case(number, category, pieces, half_close, lenient, what)


def _read_response(sock, deadline, buffer=b""):
    """Reads one response head (and its Content-Length body); returns (status or None, closed, reset, buffer)."""
    while True:
        if b"\r\n\r\n" in buffer:
            head, _, rest = buffer.partition(b"\r\n\r\n")
            try:
                status = int(head.split(b"\r\n", 1)[0].split()[1])
            except (IndexError, ValueError):
                return -1, False, False, buffer
            if 100 <= status < 200 and status != 101:
                buffer = rest  # an interim answer (100 Continue): the final one follows
                continue
            return status, False, False, buffer
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, False, False, buffer
        ready, _, _ = select.select([sock], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return (_status_in(buffer), False, True, buffer)
        except OSError:
            return (_status_in(buffer), False, True, buffer)
        if not chunk:
            return _status_in(buffer), True, False, buffer
        buffer += chunk


def _status_in(buffer):
    try:
        if buffer.startswith(b"HTTP/"):
            return int(buffer.split(b"\r\n", 1)[0].split()[1])
    except (IndexError, ValueError):
        pass
    return None


def run_case(case, target, port, read_timeout=5.0):
    started = time.monotonic()
    outcome = Outcome(case, target)
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError as error:
        outcome.error = f"connect: {type(error).__name__}"
        return outcome
    try:
        sock.setblocking(False)
        buffer = b""
        answered = False
        for data, pause in case.pieces:
            if pause:
                time.sleep(pause)
            view = memoryview(data)
            while view and not answered:
                readable, writable, _ = select.select([sock], [sock], [], 2.0)
                if readable:
                    answered = True  # the server spoke (an early 4xx) or closed: stop sending, read it
                    break
                if not writable:
                    continue
                try:
                    sent = sock.send(view[:65536])
                except (BrokenPipeError, ConnectionResetError):
                    answered = True
                    break
                view = view[sent:]
            if answered:
                break
        if case.half_close and not answered:
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        status, closed, reset, buffer = _read_response(sock, time.monotonic() + read_timeout, buffer)
        if status is None and not closed and not reset:
            outcome.hang = True
        outcome.status = status if status is not None and status >= 0 else None
        if status == -1:
            outcome.error = "unparseable response"
        outcome.closed, outcome.reset = closed, reset
    finally:
        sock.close()
        outcome.seconds = time.monotonic() - started
    return outcome


@dataclass
class FuzzReport:
    target: str
    sent: int = 0
    ok: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # outcomes
    hangs: int = 0
    crashed: bool = False
    unhealthy: int = 0
    rss_before: int = None
    rss_after: int = None
    rss_samples: list = field(default_factory=list)  # (requests sent, KiB) after each batch
    slowest: float = 0.0


def health_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.settimeout(3)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = sock.recv(100)
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def fuzz(targets, count, seed, workers=16, check_every=250, log=print, only_case=None):
    """targets: list of (name, port, process). Sends `count` generated requests to each. Returns FuzzReports."""
    reports = []
    for name, port, process in targets:
        report = FuzzReport(name, rss_before=process.rss_kb())
        numbers = [only_case] if only_case is not None else list(range(count))
        with ThreadPoolExecutor(workers) as pool:
            for start in range(0, len(numbers), check_every):
                batch = numbers[start:start + check_every]
                for outcome in pool.map(lambda n, name=name, port=port: run_case(generate(seed, n), name, port), batch):
                    report.sent += 1
                    report.by_category[outcome.case.category] += 1
                    report.statuses[outcome.status if outcome.status is not None else
                                    ("reset" if outcome.reset else "closed" if outcome.closed else
                                     "hang" if outcome.hang else outcome.error)] += 1
                    report.slowest = max(report.slowest, outcome.seconds)
                    report.hangs += outcome.hang
                    if outcome.ok:
                        report.ok += 1
                    else:
                        report.failures.append(outcome)
                if not process.alive():
                    report.crashed = True
                    log(f"fuzz: {name} died (exit status {process.exit_status()}) after {report.sent} requests")
                    break
                if not health_ok(port):
                    report.unhealthy += 1
                report.rss_samples.append((report.sent, process.rss_kb()))
        report.rss_after = process.rss_kb()
        reports.append(report)
    return reports
