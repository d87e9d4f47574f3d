"""The reference stream processor for the benchmark: the same job as ours in Python — confluent-kafka consumer,
scikit-learn TF-IDF + logistic regression, pymongo — with the same batch size and the same transactional writes
(stored offsets read, word-count $inc upserts, totals, sentiment documents, accuracy point, batch record, offsets,
one transaction per batch). It writes a JSON line with its figures when the totals reach --expect."""
import argparse
import json
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import joblib
from confluent_kafka import Consumer, TopicPartition
from pymongo import MongoClient, ReturnDocument, UpdateOne
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)


def tokens(text):
    return [t for t in TOKEN.findall(text.lower()) if t not in ENGLISH_STOP_WORDS]


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.bench.reference_pipeline", description=__doc__)
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--mongo-uri", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--model", required=True, help="joblib pipeline (TfidfVectorizer + LogisticRegression)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--batch-timeout-ms", type=int, default=200)
    parser.add_argument("--expect", type=int, required=True)
    args = parser.parse_args()

    model = joblib.load(args.model)
    db = MongoClient(args.mongo_uri)[args.db]
    client = db.client
    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": args.group, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "partition.assignment.strategy": "roundrobin"})
    consumer.subscribe([args.topic])
    started = None
    batches = round_trips = processed = 0
    while processed < args.expect:
        messages = consumer.consume(args.batch_size, args.batch_timeout_ms / 1000)
        messages = [m for m in messages if m.error() is None]
        if not messages:
            continue
        started = started or time.monotonic()
        reviews, next_offsets = [], {}
        for m in messages:
            key = f"{m.topic()}/{m.partition()}"
            next_offsets[key] = max(next_offsets.get(key, 0), m.offset() + 1)
            try:
                value = json.loads(m.value())
                text, score = value["reviewText"], float(value["overall"])
                if not isinstance(text, str) or not text.strip() or not 1 <= score <= 5:
                    continue
            except (ValueError, KeyError, TypeError):
                continue
            reviews.append((value.get("id") or f"{key}/{m.offset()}", text, score, m.partition(), m.offset()))
        probabilities = model.predict_proba([r[1] for r in reviews])[:, 1] if reviews else []

        # The loop's batch is bound here: the transaction calls this back, and may retry it, before the loop goes on.
        def write(session, reviews=reviews, probabilities=probabilities, next_offsets=next_offsets):
            nonlocal round_trips
            stored = {d["_id"]: d["next"] for d in db.offsets.find({"_id": {"$in": list(next_offsets)}}, session=session)}
            round_trips += 1
            fresh = [(r, p) for r, p in zip(reviews, probabilities) if r[4] >= stored.get(f"{args.topic}/{r[3]}", 0)]
            words = Counter()
            for (_, text, _, _, _), _ in fresh:
                words.update(tokens(text))
            if words:
                db.wordcount.bulk_write([UpdateOne({"_id": w}, {"$inc": {"count": c}}, upsert=True) for w, c in words.items()],
                                        ordered=False, session=session)
                round_trips += 1
            correct = sum(1 for (r, p) in fresh if (p > 0.5) == (r[2] > 3))
            totals = db.totals.find_one_and_update({"_id": "reviews"},
                                                   {"$inc": {"count": len(fresh), "correct": correct, "batches": 1}},
                                                   upsert=True, return_document=ReturnDocument.AFTER, session=session)
            round_trips += 1
            now = datetime.now(UTC)
            record = {"_id": totals["batches"], "totals": totals, "words": list(words), "counts": list(words.values()),
                      "at": now}
            if fresh:
                first = totals["count"] - len(fresh)
                documents = [{"_id": r[0], "review": r[1], "expected": "pos" if r[2] > 3 else "neg",
                              "result": "pos" if p > 0.5 else "neg", "score": r[2], "probability": float(p),
                              "processedAt": now, "seq": first + i + 1} for i, (r, p) in enumerate(fresh)]
                db.sentiment.insert_many(documents, ordered=False, session=session)
                point = {"_id": totals["count"], "value": totals["correct"] / totals["count"],
                         "correct": totals["correct"], "at": now}
                db.accuracy.insert_one(point, session=session)
                round_trips += 2
                record.update(predictions=documents[-100:], accuracy=point)
            # The batch record the api-servers follow, and its retention, as the processor writes them.
            db.batches.insert_one(record, session=session)
            round_trips += 1
            if totals["batches"] % 100 == 0 and totals["batches"] > 1000:
                db.batches.delete_many({"_id": {"$lte": totals["batches"] - 1000}}, session=session)
                round_trips += 1
            db.offsets.bulk_write([UpdateOne({"_id": k}, {"$set": {"next": v}}, upsert=True) for k, v in next_offsets.items()],
                                  ordered=False, session=session)
            round_trips += 2
            return totals["count"]

        with client.start_session() as session:
            processed = session.with_transaction(write)
        batches += 1
        consumer.commit(offsets=[TopicPartition(args.topic, int(k.rsplit("/", 1)[1]), v) for k, v in next_offsets.items()],
                        asynchronous=True)
    elapsed = time.monotonic() - started
    consumer.close()
    print(json.dumps({"processed": processed, "seconds": elapsed, "batches": batches,
                      "round_trips_per_batch": round_trips / max(batches, 1)}))


if __name__ == "__main__":
    sys.exit(main())
