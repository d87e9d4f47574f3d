"""Review producer: reads McAuley JSON lines (reviewText, overall, summary, asin) and sends each review either
straight to Kafka (the v1 message contract, keyed by review id) or through the HTTP API, at a steady rate.
With --catalog it sends a product catalog (JSON lines {id, name, division?, department?, class?}, default
.data/products.jsonl) to the `products` topic instead, keyed by product id."""
import argparse
import gzip
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

from .. import ROOT


def count_lines(path):
    with open(path, encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def reviews(path, loop):
    opener = gzip.open if path.endswith(".gz") else open
    while True:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    sys.exit(f"{path}:{number}: not JSON ({error.msg})")
        if not loop:
            return


def progress(sent, total, started, failed):
    elapsed = max(time.monotonic() - started, 1e-9)
    rate = sent / elapsed
    if total:
        done = int(30 * sent / total)
        bar = "#" * done + "-" * (30 - done)
        line = f"\r[{bar}] {sent}/{total} {rate:7.1f}/s failed {failed}"
    else:
        line = f"\r{sent} sent {rate:7.1f}/s failed {failed}"
    sys.stderr.write(line)
    sys.stderr.flush()


def main():
    parser = argparse.ArgumentParser(prog="scripts/local/produce", description=__doc__)
    parser.add_argument("--file", help="input JSON lines (default .data/reviews.jsonl, or .data/products.jsonl with --catalog)")
    parser.add_argument("--catalog", action="store_true",
                        help="send product catalog entries to the products topic ($PRODUCTS_TOPIC) instead of reviews")
    parser.add_argument("--products-topic", default=os.environ.get("PRODUCTS_TOPIC", "products"))
    parser.add_argument("--rate", type=float, default=50.0, help="reviews per second (0 = as fast as possible)")
    parser.add_argument("--limit", type=int, default=0, help="stop after N reviews (0 = the whole file)")
    parser.add_argument("--loop", action="store_true", help="start the file again at its end (a live feed)")
    parser.add_argument("--api", metavar="URL", help="POST each review to URL/api/v1/reviews instead of Kafka")
    parser.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092"))
    parser.add_argument("--topic", default=os.environ.get("REVIEWS_TOPIC", "reviews"))
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--token", default=os.environ.get("API_TOKEN"),
                        help="session token (POST /api/v1/login's `token`) sent as Authorization: Bearer; needed with "
                             "--api when the api-server runs with ANONYMOUS_REVIEWS=false [env: API_TOKEN]")
    args = parser.parse_args()
    data = os.path.join(ROOT, ".data")
    args.file = args.file or os.path.join(data, "products.jsonl" if args.catalog else "reviews.jsonl")
    if args.catalog and args.api:
        sys.exit("--catalog goes straight to Kafka; the HTTP API takes no catalog entries")
    if not os.path.exists(args.file):
        sys.exit(f"{args.file} does not exist; run scripts/local/dataset first")

    send, flush = None, lambda: None
    failed = 0
    if args.api:
        url = args.api.rstrip("/") + "/api/v1/reviews"

        def send(review):
            nonlocal failed
            body = json.dumps({k: review[k] for k in ("reviewText", "overall", "summary") if k in review}
                              | ({"itemId": str(review["asin"])} if "asin" in review else {})).encode()
            headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {args.token}"} if args.token else {})
            request = urllib.request.Request(url, data=body, headers=headers)
            try:
                urllib.request.urlopen(request, timeout=10).read()
            except (urllib.error.URLError, OSError):
                failed += 1
    else:
        from confluent_kafka import Producer
        producer = Producer({"bootstrap.servers": args.brokers, "enable.idempotence": True, "acks": "all",
                             "linger.ms": 5})

        def on_delivery(error, _message):
            nonlocal failed
            if error is not None:
                failed += 1

        def send_product(product):
            product_id = str(product.get("id"))
            producer.produce(args.products_topic, key=product_id, value=json.dumps(product).encode(), on_delivery=on_delivery)
            producer.poll(0)

        def send_review(review):
            review_id = str(uuid.uuid4())
            message = {"id": review_id, "reviewText": review.get("reviewText"), "overall": review.get("overall"),
                       "submittedAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
            if "summary" in review:
                message["summary"] = review["summary"]
            if "asin" in review:
                message["itemId"] = str(review["asin"])
            producer.produce(args.topic, key=review_id, value=json.dumps(message).encode(), on_delivery=on_delivery)
            producer.poll(0)

        send = send_product if args.catalog else send_review

        def flush():
            producer.flush(30)

    total = args.limit or (None if args.loop else count_lines(args.file))
    interval = 1.0 / args.rate if args.rate > 0 else 0
    started = time.monotonic()
    sent = 0
    try:
        for review in reviews(args.file, args.loop):
            if args.limit and sent >= args.limit:
                break
            if interval:
                delay = started + sent * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            send(review)
            sent += 1
            if not args.quiet and (sent % 50 == 0 or sent == total):
                progress(sent, total, started, failed)
    except KeyboardInterrupt:
        pass
    flush()
    if not args.quiet:
        progress(sent, total, started, failed)
        sys.stderr.write("\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
