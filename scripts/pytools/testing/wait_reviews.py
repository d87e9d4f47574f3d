"""Waits until GET /api/v1/summary counts at least N reviews, or until the time is up (then it says so and still
exits 0: the system test's later checks fail on what is missing). Exits 1 if the summary cannot be read."""
import argparse
import json
import sys
import time
import urllib.request


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.testing.wait_reviews", description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--reviews", type=int, required=True, help="the count to wait for")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    while True:
        with urllib.request.urlopen(args.base_url + "/api/v1/summary", timeout=10) as response:
            reviewed = json.load(response)["reviews"]
        if reviewed >= args.reviews:
            return
        if time.monotonic() > deadline:
            print(f"the summary counts {reviewed} reviews after {args.seconds:g}s, not {args.reviews}", file=sys.stderr)
            return
        time.sleep(0.5)


if __name__ == "__main__":
    main()
