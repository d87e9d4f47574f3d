"""Writes the dashboard's samples.json (the reviews its "simulate" button sends): COUNT reviews drawn with a fixed
seed from a McAuley JSON-lines file, each {reviewText, overall, summary?, itemId?}. Standard library only: it runs
with the system's python3 (scripts/local/build-dashboard, the gateway image's build stage)."""
import argparse
import json
import random
import sys


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.local.dashboard_samples", description=__doc__)
    parser.add_argument("source", help="McAuley JSON lines (reviewText, overall, summary?, asin?)")
    parser.add_argument("count", type=int, help="how many reviews to draw")
    parser.add_argument("target", help="the samples.json to write")
    args = parser.parse_args()
    source, wanted, target = args.source, args.count, args.target

    reviews = []
    with open(source, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, score = (row.get("reviewText") or "").strip(), int(float(row["overall"]))
            except (ValueError, KeyError, TypeError, AttributeError):
                sys.exit(f"{source}:{number}: not a McAuley review (needs reviewText and overall)")
            if not text or not 1 <= score <= 5 or len(text.encode()) > 64 * 1024:
                continue
            review = {"reviewText": text, "overall": score}
            if row.get("summary"):
                review["summary"] = str(row["summary"])
            if row.get("asin"):
                review["itemId"] = str(row["asin"])
            reviews.append(review)
    if not reviews:
        sys.exit(f"{source} holds no usable reviews")
    # A fixed seed keeps the build reproducible; sampling keeps the file's mix of scores.
    picked = random.Random(42).sample(reviews, min(wanted, len(reviews)))
    with open(target, "w", encoding="utf-8") as out:
        json.dump(picked, out, ensure_ascii=False, separators=(",", ":"))
    print(f"samples.json: {len(picked)} of {len(reviews)} reviews", file=sys.stderr)


if __name__ == "__main__":
    main()
