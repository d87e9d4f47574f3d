"""POST-to-visible latency and live-dashboard bandwidth, against a running system (scripts/up).

Posts real reviews through the gateway at a steady rate while one client holds the dashboard's live stream
(/api/v1/stream) open, the way an open dashboard does. A review is "visible" when its prediction arrives on that
stream. Prints latency p50/p99 and the bytes per second the open dashboard received."""
import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--data", default=os.path.join(ROOT, "Tests", "Fixtures", "reviews-sample.jsonl"))
    args = parser.parse_args()
    reviews = [json.loads(line) for line in open(args.data, encoding="utf-8")]

    posted, seen = {}, {}
    received = [0]
    stop = threading.Event()

    def listen():
        stream = urllib.request.urlopen(args.base_url + "/api/v1/stream", timeout=60)
        event = None
        while not stop.is_set():
            line = stream.readline()
            if not line:
                break
            received[0] += len(line)
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "predictions":
                now = time.monotonic()
                for prediction in json.loads(line[6:]):
                    seen.setdefault(prediction["_id"], now)

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(1)
    received[0] = 0
    started = time.monotonic()
    interval = 1 / args.rate
    sent = 0
    while time.monotonic() - started < args.seconds:
        delay = started + sent * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        review = reviews[sent % len(reviews)]
        body = json.dumps({"reviewText": review["reviewText"], "overall": review["overall"]}).encode()
        request = urllib.request.Request(args.base_url + "/api/v1/reviews", data=body, headers={"Content-Type": "application/json"})
        t0 = time.monotonic()
        review_id = json.load(urllib.request.urlopen(request, timeout=10))["id"]
        posted[review_id] = t0
        sent += 1
    elapsed = time.monotonic() - started
    time.sleep(3)
    stop.set()
    bandwidth = received[0] / (elapsed + 3)
    latencies = sorted(seen[i] - posted[i] for i in posted if i in seen)
    if not latencies:
        sys.exit("no prediction arrived on the live stream")
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"| rate | posted | seen on the stream | p50 | p99 | live stream bytes/s |")
    print(f"|---|---|---|---|---|---|")
    print(f"| {args.rate:.0f}/s | {sent} | {len(latencies)} | {p50 * 1000:.0f} ms | {p99 * 1000:.0f} ms | {bandwidth:,.0f} |")


if __name__ == "__main__":
    main()
