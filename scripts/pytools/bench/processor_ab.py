"""Two stream-processor builds, end to end on the same stack, alternating: the change in batch-write throughput a
code change makes (Kafka → committed results, reviews/s; the analysis core is ~50× faster than this, so the rate is
the batch writes'). Each round produces the same reviews to a fresh topic per build and times each build's processor
from its first committed batch to the last. Prints one Markdown table with every round and the median of each."""
import argparse
import os
import statistics
import subprocess
import sys
import uuid

from pymongo import MongoClient

from .. import ROOT
from .pipeline import load, produce, run_ours


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench/processor-ab", description=__doc__)
    parser.add_argument("--before", required=True, help="directory holding the first build's stream-processor and trainer")
    parser.add_argument("--after", required=True, help="directory holding the second build's stream-processor")
    parser.add_argument("--reviews", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", default=os.path.join(ROOT, ".data", "reviews.jsonl"))
    args = parser.parse_args()
    brokers, mongo_uri = os.environ["KAFKA_BROKERS"], os.environ["MONGO_URI"]
    work = os.path.join(ROOT, ".run-bench")
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, "model.json")
    if not os.path.exists(model):
        subprocess.run([os.path.join(args.before, "trainer"), "--data", args.data, "--model", "linear", "--json", "--out", model],
                       check=True, stdout=subprocess.DEVNULL)
    everything = load(args.data, 10**9)
    reviews = [everything[i % len(everything)] for i in range(args.reviews)]
    rates = {"before": [], "after": []}
    for round_number in range(args.rounds):
        order = ["before", "after"] if round_number % 2 == 0 else ["after", "before"]
        for name in order:
            run = uuid.uuid4().hex[:6]
            topic = f"ab-{run}"
            produce(brokers, topic, reviews, args.partitions)
            env = dict(os.environ, REVIEWS_TOPIC=topic, DLQ_TOPIC=topic + ".dlq", GROUP_ID=f"ab-{run}", MONGO_DB=f"ab_{run}",
                       MODEL_PATH=model, PORT="29465", BATCH_SIZE=str(args.batch_size), LOG_LEVEL="warning")
            directory = getattr(args, name)
            result = run_ours(os.path.join(directory, "stream-processor"), env, args.reviews, mongo_uri, f"ab_{run}", 29465)
            rate = (result["processed"] - result["first"]) / result["seconds"]
            rates[name].append(rate)
            print(f"round {round_number + 1}: {name} {rate:,.0f} reviews/s", file=sys.stderr)
            MongoClient(mongo_uri).drop_database(f"ab_{run}")
    before, after = statistics.median(rates["before"]), statistics.median(rates["after"])
    print(f"| build | rounds (reviews/s, {args.reviews:,} reviews, batch {args.batch_size}) | median |")
    print("|---|---|---:|")
    print(f"| before ({args.before}) | {', '.join(f'{r:,.0f}' for r in rates['before'])} | {before:,.0f} |")
    print(f"| after ({args.after}) | {', '.join(f'{r:,.0f}' for r in rates['after'])} | {after:,.0f} |")
    print(f"| after / before | | {after / before:.3f} |")


if __name__ == "__main__":
    main()
