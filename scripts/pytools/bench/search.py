"""Search latency benchmark: GET /api/v1/search against a running api-server, at the dataset's size and at N×.

Usage: scripts/bench/search --api URL [--mongo-uri URI --db NAME --seed-scale N --trainer PATH] [--requests 2000] [--concurrency 4]

With --seed-scale N the database NAME is first filled the way the stream processor fills it: every product of
.data/products.jsonl N times (copies under the ids "ID~k", same names and categories) with its keyword array, and the
reviews of .data/reviews.jsonl as processed reviews of their products (copies get the same reviews), so the search
index holds N × 1,179 products and the review matches N × 22,641 reviews to look through. Queries are drawn (fixed
seed) from the catalog's category words and frequent review words, one to three words each. After seeding,
`trainer similar` builds the search index (and the similar set) from that database, as it does on a running stack.
With --mongo-uri the same queries then run as
the reference, in the same run: the database's own multikey index on the products' keyword arrays, queried straight
with pymongo (no HTTP, products only). Prints one table row each: products in the database, searches, p50, p90, p99
and max latency in milliseconds, and searches per second.
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from .. import ROOT

STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "i", "this", "for", "on", "with", "but", "was",
        "my", "so", "be", "that", "are", "as", "at", "not", "too", "very", "just", "me", "have", "you", "they"}


def dataset():
    """The catalog and the reviews of .data/, as lists of dicts."""
    with open(os.path.join(ROOT, ".data", "products.jsonl"), encoding="utf-8") as lines:
        catalog = [json.loads(line) for line in lines]
    with open(os.path.join(ROOT, ".data", "reviews.jsonl"), encoding="utf-8") as lines:
        reviews = [json.loads(line) for line in lines]
    return catalog, reviews


def words(text):
    # The processor uses the word count's tokenizer; for the benchmark's keyword arrays letters and digits suffice.
    return [w for w in re.findall(r"[\w']+", text.lower()) if w not in STOP]


def seed(uri, name, scale, trainer):
    import pymongo
    client = pymongo.MongoClient(uri)
    client.drop_database(name)
    db = client[name]
    catalog, reviews = dataset()
    per_product = Counter(str(r["asin"]) for r in reviews)
    products = []
    for copy in range(scale):
        for entry in catalog:
            pid = entry["id"] if copy == 0 else f'{entry["id"]}~{copy}'
            text = " ".join(entry.get(k, "") for k in ("name", "division", "department", "class"))
            products.append({"_id": pid, "name": entry["name"], "division": entry.get("division"),
                             "department": entry.get("department"), "class": entry.get("class"),
                             "keywords": sorted(set(words(text))), "reviews": per_product[entry["id"]]})
    for start in range(0, len(products), 5000):
        db.products.insert_many(products[start:start + 5000], ordered=False)
    db.products.create_index([("keywords", 1)], name="keywords")
    sentiment, seq = [], 0
    for copy in range(scale):
        for number, review in enumerate(reviews):
            seq += 1
            pid = str(review["asin"]) if copy == 0 else f'{review["asin"]}~{copy}'
            sentiment.append({"_id": f"r{copy}-{number}", "itemId": pid, "review": review["reviewText"],
                              "expected": "pos" if review["overall"] > 3 else "neg", "result": "pos", "seq": seq,
                              "score": review["overall"]})
    for start in range(0, len(sentiment), 5000):
        db.sentiment.insert_many(sentiment[start:start + 5000], ordered=False)
    db.sentiment.create_index([("itemId", 1), ("seq", -1)], name="itemId_seq")
    print(f"seeded {name}: {len(products)} products, {len(sentiment)} reviews", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run([trainer, "similar", "--mongo-uri", uri, "--mongo-db", name, "--quiet"], check=True, stdout=sys.stderr)
    print(f"trainer similar built the index in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return len(products), catalog, reviews


def queries(catalog, reviews, count, rng):
    vocabulary = sorted({w for e in catalog for k in ("division", "department", "class") for w in words(e.get(k, ""))})
    common = [w for w, _ in Counter(w for r in reviews[:5000] for w in words(r["reviewText"])).most_common(300)]
    pool = vocabulary + common
    return [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench/search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="api-server (or gateway) base URL")
    parser.add_argument("--mongo-uri", default=os.environ.get("MONGO_URI"))
    parser.add_argument("--db", default="bench_search")
    parser.add_argument("--seed-scale", type=int, default=0, help="fill --db with the catalog N times first (0: use it as it is)")
    parser.add_argument("--trainer", default=os.path.join(ROOT, ".build", "release", "trainer"),
                        help="trainer binary that builds the search index after seeding")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()

    catalog, reviews = dataset()
    products = None
    if args.seed_scale:
        products, catalog, reviews = seed(args.mongo_uri, args.db, args.seed_scale, args.trainer)
    rng = random.Random(7)
    qs = queries(catalog, reviews, args.requests, rng)
    base = args.api.rstrip("/") + f"/api/v1/search?limit={args.limit}&q="

    def ours(q):
        try:
            urllib.request.urlopen(base + urllib.parse.quote(q), timeout=30).read()
            return True
        except urllib.error.HTTPError as error:
            # A query of words too common to search for is refused with a 400: answered, but not a search.
            if error.code == 400:
                return False
            raise

    rows = [("ours: GET /api/v1/search (products and reviews)", measure(ours, qs, args.concurrency))]
    if args.mongo_uri:
        # The reference, in the same run against the same database: the database's own multikey index on the
        # products' keyword arrays (what search used before it had an index of its own), queried straight from the
        # client with no HTTP hop and no reviews: the products part alone, sorted by reviews, limited.
        import pymongo
        collection = pymongo.MongoClient(args.mongo_uri)[args.db].products
        collection.create_index([("keywords", 1)], name="keywords")

        def reference(q):
            terms = words(q)
            if not terms:
                return False
            list(collection.find({"keywords": {"$in": terms}}, {"keywords": 0}).sort([("reviews", -1), ("_id", 1)]).limit(args.limit))
            return True

        rows.append(("reference: multikey index query, products only (pymongo)", measure(reference, qs, args.concurrency)))
    print("| what | products | searches | refused (400) | failed | p50 ms | p90 ms | p99 ms | max ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, (latencies, refused, failures, wall) in rows:
        q = statistics.quantiles(latencies, n=100)
        print(f"| {label} | {products or '(as stored)'} | {len(latencies)} | {refused} | {failures} | {q[49]:.1f} | {q[89]:.1f} | "
              f"{q[98]:.1f} | {latencies[-1]:.1f} | {len(latencies) / wall:.0f} |")


def measure(search, qs, concurrency):
    """Runs every query (after 50 for warm-up) on `concurrency` threads; returns the sorted latencies of the
    searches answered (ms), the refused and failed counts, and the wall time."""
    for q in qs[:50]:
        search(q)
    latencies, failures, refused, lock = [], 0, 0, threading.Lock()
    todo = iter(qs)

    def worker():
        nonlocal failures, refused
        while True:
            with lock:
                q = next(todo, None)
            if q is None:
                return
            started = time.perf_counter()
            try:
                searched = search(q)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if searched:
                        latencies.append(elapsed)
                    else:
                        refused += 1
            except OSError:
                with lock:
                    failures += 1
            done = len(latencies) + failures + refused
            if done % 100 == 0:
                sys.stderr.write(f"\r{done}/{len(qs)}")
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stderr.write("\n")
    return sorted(latencies), refused, failures, time.perf_counter() - started


if __name__ == "__main__":
    main()
