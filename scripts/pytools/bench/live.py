"""POST-to-visible latency and live-dashboard bandwidth, against a running system (scripts/up).

Posts real reviews through the gateway at a steady rate while these clients watch, all in the same run:
  - a firehose stream (/api/v1/stream?interval=0&predictions=100&preview=0): every commit, every prediction in full.
    A review is "visible" when its prediction arrives there; this gives the POST-to-visible latency;
  - an open dashboard's stream, as the browser opens it (default pacing, Accept-Encoding: gzip), and the same
    without gzip: the bytes per second they receive on the wire;
  - the seed's way (reference): GET the three result lists every 2 s, the bytes per second that costs.
Prints one Markdown table."""
import argparse
import concurrent.futures
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

from .. import ROOT


def admin_token(base_url, password_file):
    """A session token of the user `admin`, for the firehose stream."""
    password = os.environ.get("ADMIN_PASSWORD")
    if password is None:
        try:
            with open(password_file, encoding="utf-8") as f:
                password = f.read().strip()
        except OSError:
            sys.exit(f"the firehose stream needs the admin password: set ADMIN_PASSWORD or write it to {password_file}")
    body = json.dumps({"username": "admin", "password": password}).encode()
    request = urllib.request.Request(base_url + "/api/v1/login", data=body, headers={"Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(request, timeout=10))["token"]
    except urllib.error.HTTPError as error:
        sys.exit(f"logging in as admin failed: HTTP {error.code}")


class StreamWatcher(threading.Thread):
    """Holds one /api/v1/stream open and counts the bytes received on the wire (after the response head)."""

    def __init__(self, base_url, query="", gzip=False, on_predictions=None, token=None):
        super().__init__(daemon=True)
        self.token = token
        self.status = None
        self.url = urllib.parse.urlsplit(base_url)
        self.path = "/api/v1/stream" + query
        self.gzip = gzip
        self.on_predictions = on_predictions
        self.bytes = 0
        self.events = 0
        self.ready = threading.Event()

    def run(self):
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=120)
        headers = {"Accept-Encoding": "gzip"} if self.gzip else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        connection.request("GET", self.path, headers=headers)
        response = connection.getresponse()
        self.status = response.status
        if response.status != 200:
            self.ready.set()
            return
        encoded = response.getheader("Content-Encoding") == "gzip"
        if self.gzip and not encoded:
            sys.exit(f"{self.path}: asked for gzip, got an uncompressed stream")
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoded else None
        self.ready.set()
        # Split on bytes and decode whole lines: a chunk may end inside a multi-byte character.
        pending, event = b"", None
        while True:
            chunk = response.read1(65536)
            if not chunk:
                return
            self.bytes += len(chunk)
            pending += inflate.decompress(chunk) if inflate else chunk
            *lines, pending = pending.split(b"\n")
            for line in map(bytes.decode, lines):
                if line.startswith("event: "):
                    event = line[7:]
                    self.events += 1
                elif line.startswith("data: ") and event == "predictions" and self.on_predictions:
                    self.on_predictions(json.loads(line[6:]), time.monotonic())


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench/live", description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--data", default=os.path.join(ROOT, "Tests", "Fixtures", "reviews-sample.jsonl"))
    parser.add_argument("--admin-password-file", default=os.path.join(ROOT, ".run", "admin-password"),
                        help="the unpaced firehose stream is for admins: the password of the user `admin` "
                             "(scripts/up writes it here; ADMIN_PASSWORD overrides)")
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as lines:
        reviews = [json.loads(line) for line in lines]

    posted, seen = {}, {}
    lock = threading.Lock()

    def record(predictions, now):
        with lock:
            for prediction in predictions:
                seen.setdefault(prediction["_id"], now)

    def post(review):
        body = json.dumps({"reviewText": review["reviewText"], "overall": review["overall"]}).encode()
        request = urllib.request.Request(args.base_url + "/api/v1/reviews", data=body, headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request, timeout=10))["id"]

    # A backlog from an earlier run would be measured as latency: start once a probe review has been processed.
    probe = post(reviews[0])
    deadline = time.monotonic() + 300
    while json.load(urllib.request.urlopen(f"{args.base_url}/api/v1/reviews/{probe}", timeout=120))["status"] == "pending":
        if time.monotonic() > deadline:
            sys.exit("the processor is still working off a backlog after 300 s; try again later")
        time.sleep(0.5)

    firehose = StreamWatcher(args.base_url, "?interval=0&predictions=100&preview=0", on_predictions=record,
                             token=admin_token(args.base_url, args.admin_password_file))
    dashboard = StreamWatcher(args.base_url, gzip=True)
    plain = StreamWatcher(args.base_url)
    watchers = [firehose, dashboard, plain]
    for watcher in watchers:
        watcher.start()
        watcher.ready.wait(10)
        if watcher.status != 200:
            sys.exit(f"{watcher.path}: HTTP {watcher.status} (expected 200)")

    polled = [0]
    stop = threading.Event()

    def poll_like_the_seed():
        while not stop.is_set():
            for path in ("/api/results/wordcount", "/api/results/sentiment", "/api/results/sentiment/accuracy"):
                with urllib.request.urlopen(args.base_url + path, timeout=10) as answer:
                    polled[0] += len(answer.read())
            stop.wait(2)

    time.sleep(1)
    for watcher in watchers:
        watcher.bytes = 0
    poller = threading.Thread(target=poll_like_the_seed, daemon=True)
    poller.start()
    started = time.monotonic()
    interval = 1 / args.rate
    sent = 0

    def post_at(index, when):
        review_id = post(reviews[index % len(reviews)])
        with lock:
            posted[review_id] = when

    # Posts are sent on schedule from a pool, so a slow answer does not lower the rate.
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        while time.monotonic() - started < args.seconds:
            when = started + sent * interval
            delay = when - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post_at, sent, time.monotonic())
            sent += 1
    # Wait for the last predictions (at most 30 s); the bandwidth window covers the posting and this tail.
    tail_deadline = time.monotonic() + 30
    while time.monotonic() < tail_deadline:
        with lock:
            if all(i in seen for i in posted):
                break
        time.sleep(0.2)
    time.sleep(1)
    stop.set()
    window = time.monotonic() - started
    with lock:
        latencies = sorted(seen[i] - posted[i] for i in posted if i in seen)
    if not latencies:
        sys.exit("no prediction arrived on the live stream")
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"steady {args.rate:g} reviews/s for {args.seconds:g} s through {args.base_url}: {sent} posted, "
          f"{len(latencies)} seen on the firehose stream")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| POST-to-visible latency p50 | {p50 * 1000:.0f} ms |")
    print(f"| POST-to-visible latency p99 | {p99 * 1000:.0f} ms |")
    print(f"| reviews posted / seen on the stream | {sent} / {len(latencies)} |")
    print(f"| open dashboard, live stream with gzip (what a browser gets) | {dashboard.bytes / window / 1000:.2f} KB/s |")
    print(f"| open dashboard, live stream without gzip | {plain.bytes / window / 1000:.2f} KB/s |")
    print(f"| firehose stream (every commit, every prediction in full) | {firehose.bytes / window / 1000:.2f} KB/s |")
    print(f"| reference: the seed's way, three GETs every 2 s | {polled[0] / window / 1000:.2f} KB/s |")


if __name__ == "__main__":
    main()
