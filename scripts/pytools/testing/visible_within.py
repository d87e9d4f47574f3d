"""Posts one review with a made-up word through the API and checks the word shows up in the word counts within
the given time (the issue's "a curl -XPOST review shows up in the word counts within 2 s")."""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.testing.visible_within", description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    # A bad review first: it must be refused with a JSON error (and it leaves a rejection in the metrics).
    bad = urllib.request.Request(args.base_url + "/api/documents/text", data=b'{"reviewText": "", "overall": 3}',
                                 headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(bad, timeout=10)
        sys.exit("an empty review was accepted")
    except urllib.error.HTTPError as error:
        if error.code != 422 or json.load(error).get("error") != "empty_text":
            sys.exit(f"an empty review got {error.code}, expected 422 empty_text")

    marker = "zq" + uuid.uuid4().hex[:10]
    body = json.dumps({"reviewText": f"The {marker} fabric is lovely", "overall": 5}).encode()
    request = urllib.request.Request(args.base_url + "/api/documents/text", data=body,
                                     headers={"Content-Type": "application/json"})
    posted = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 201:
            sys.exit(f"POST answered {response.status}")
    while True:
        with urllib.request.urlopen(args.base_url + "/api/results/wordcount?limit=10000", timeout=10) as response:
            words = {row["value"]: row["count"] for row in json.load(response)}
        elapsed = time.monotonic() - posted
        if words.get(marker) == 1:
            print(f"visible after {elapsed:.2f}s")
            break
        if elapsed > args.seconds:
            sys.exit(f"'{marker}' not in the word counts {args.seconds}s after the POST")
        time.sleep(0.05)


if __name__ == "__main__":
    main()
