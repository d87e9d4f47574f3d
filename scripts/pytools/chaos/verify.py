"""After the load: drain, then check every accepted review, and tell the broker's losses apart from the pipeline's.

- stored exactly once: every accepted id has its `sentiment` document; `totals.count` equals the number of
  `sentiment` documents (a review counted twice leaves one document but two counts); the newest `accuracy` point's
  `_id` is that same total;
- lost (broker): accepted, not stored, and not in the topic either — the broker acknowledged it and dropped it;
- lost (pipeline): accepted, in the topic, not stored;
- duplicated: counted twice. Each `sentiment` document carries `seq`, its number in the count when it was written;
  a review written again replaces its document, so the numbers 1..count missing from the documents are the
  counts that were made twice, and the `accuracy` point of that batch says when (hence which scenario);
- orphans: reviews in the topic whose id no client was ever given (a post that failed at the client but reached the
  broker; with idempotent intake its retry answers that same id, so only posts the client gave up on leave one)."""
import bisect
import http.client
import json
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

from .stack import log


def read_topic(brokers, topic, timeout=60.0):
    """Every message the broker holds in `topic`: dicts with partition, offset, key, value, headers, timestamp."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"chaos-reader-{uuid.uuid4().hex[:8]}",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         "enable.partition.eof": False, "fetch.wait.max.ms": 100})
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        if topic not in metadata.topics or metadata.topics[topic].error is not None:
            return []
        partitions = sorted(metadata.topics[topic].partitions)
        ends, assignment = {}, []
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            if high > low:
                ends[partition] = high
                assignment.append(TopicPartition(topic, partition, low))
        if not assignment:
            return []
        consumer.assign(assignment)
        messages, done = [], set()
        deadline = time.monotonic() + timeout
        while len(done) < len(ends) and time.monotonic() < deadline:
            for message in consumer.consume(num_messages=1000, timeout=0.5):
                if message.error() is not None:
                    continue
                partition, offset = message.partition(), message.offset()
                messages.append({"partition": partition, "offset": offset, "key": message.key(),
                                 "value": message.value(), "headers": dict(message.headers() or []),
                                 "timestamp": message.timestamp()[1] / 1000.0})
                if offset >= ends[partition] - 1:
                    done.add(partition)
        if len(done) < len(ends):
            log(f"reading {topic}: stopped after {timeout:.0f}s with {len(ends) - len(done)} partitions unfinished")
        return messages
    finally:
        consumer.close()


def end_offsets(brokers, topic):
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"chaos-ends-{uuid.uuid4().hex[:8]}"})
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in metadata.topics[topic].partitions}
    finally:
        consumer.close()


def message_id(message):
    """The review id of a reviews-topic message: its key (the api-server keys by id), else the value's `id`."""
    if message["key"]:
        try:
            return message["key"].decode()
        except UnicodeDecodeError:
            pass
    try:
        return json.loads(message["value"])["id"]
    except (ValueError, KeyError, TypeError):
        return None


def total_count(db):
    """`totals.count`: the reviews the processor counted (its totals document is `_id: "reviews"`)."""
    for key in ("reviews", "totals"):
        document = db["totals"].find_one({"_id": key})
        if document is not None:
            return int(document.get("count", 0))
    return 0


class StoredIds:
    """Which of some ids have a `sentiment` document (None when the database did not answer), polled many times
    during a scenario through one client, which reconnects by itself after the database comes back."""

    def __init__(self, stack):
        self.stack, self.client = stack, None

    def __call__(self, ids):
        try:
            if self.client is None:
                self.client = self.stack.mongo()
            collection = self.client[self.stack.settings.database]["sentiment"]
            found = set()
            ids = list(ids)
            for start in range(0, len(ids), 500):
                found.update(d["_id"] for d in collection.find({"_id": {"$in": ids[start:start + 500]}}, {"_id": 1}))
            return found
        except Exception:  # noqa: BLE001 - the database may be down on purpose
            return None

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None


def drain(stack, accepted_ids, timeout, stall):
    """Waits (bounded) until every accepted review is stored and the processor's stored positions reach the end
    of every partition; stops early when nothing moved for `stall` seconds. Returns (seconds, drained)."""
    s = stack.settings
    started = time.monotonic()
    accepted_ids = set(accepted_ids)
    last_progress, last_state = time.monotonic(), None
    while time.monotonic() - started < timeout:
        try:
            client = stack.mongo()
            try:
                db = client[s.database]
                stored = {d["_id"] for d in db["sentiment"].find({}, {"_id": 1})}
                offsets = {d.get("partition"): d.get("next") for d in db["offsets"].find({"topic": s.topic})}
                count = total_count(db)
            finally:
                client.close()
            ends = end_offsets(s.brokers, s.topic)
        except Exception as error:  # noqa: BLE001
            log(f"drain: {type(error).__name__}: {error}")
            time.sleep(1)
            continue
        missing = len(accepted_ids - stored)
        behind = sum(max(0, end - (offsets.get(p) or 0)) for p, end in ends.items())
        if missing == 0 and behind == 0:
            return time.monotonic() - started, True
        state = (missing, behind, count)
        if state != last_state:
            last_state, last_progress = state, time.monotonic()
        elif time.monotonic() - last_progress > stall:
            log(f"drain: no progress for {stall:.0f}s ({missing} accepted reviews not stored, {behind} messages "
                f"behind the partitions' ends)")
            return time.monotonic() - started, False
        time.sleep(1.5)
    return time.monotonic() - started, False


def api_check(base_host, base_port, ids, threads=4):
    """GET /api/v1/reviews/{id} through the gateway for each id; returns {id: status or error} for those not
    `processed`."""
    bad, lock = {}, threading.Lock()
    chunks = [ids[i::threads] for i in range(threads)]

    def worker(chunk):
        connection = None
        for review_id in chunk:
            for attempt in range(3):
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(base_host, base_port, timeout=10)
                    connection.request("GET", f"/api/v1/reviews/{review_id}")
                    response = connection.getresponse()
                    body = response.read()
                    if response.status == 200:
                        status = json.loads(body).get("status")
                    else:
                        status = f"HTTP {response.status}"
                    break
                except (OSError, http.client.HTTPException, ValueError) as error:
                    status = type(error).__name__
                    if connection is not None:
                        connection.close()
                    connection = None
                    time.sleep(0.2 * (attempt + 1))
            if status != "processed":
                with lock:
                    bad[review_id] = status
        if connection is not None:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, chunks))
    return bad


class Verdict:
    """Per-phase and total figures, and what failed."""

    def __init__(self):
        self.rows = {}
        self.failures = []
        self.notes = []


def check(stack, accepted, phases):
    """`accepted`: list of (key, id, phase, wait seconds or None). Returns a dict with everything the report needs."""
    s = stack.settings
    client = stack.mongo()
    try:
        db = client[s.database]
        documents = list(db["sentiment"].find({}, {"_id": 1, "seq": 1, "partition": 1, "offset": 1}))
        count = total_count(db)
        points = list(db["accuracy"].find({}, {"_id": 1, "at": 1}).sort("_id", 1))
    finally:
        client.close()
    stored = {d["_id"] for d in documents}
    latest_point = points[-1]["_id"] if points else 0

    topic = read_topic(s.brokers, s.topic)
    in_topic = defaultdict(list)
    for message in topic:
        in_topic[message_id(message)].append(message)
    dlq = read_topic(s.brokers, s.dlq_topic)
    dlq_positions = {(m["headers"].get("dlq.source.partition", b"").decode(),
                      m["headers"].get("dlq.source.offset", b"").decode()) for m in dlq}

    result = {
        "stored": len(stored), "count": count, "latest_accuracy_id": latest_point, "topic_messages": len(topic),
        "dlq_messages": len(dlq), "lost_broker": [], "lost_pipeline": [], "dead_lettered": [], "lost_positions": {},
        "duplicates_by_phase": defaultdict(int), "duplicates_unattributed": 0, "orphans_by_phase": defaultdict(int),
        "resent_in_topic": 0,
    }
    accepted_ids = {}
    for key, review_id, phase, _ in accepted:
        accepted_ids[review_id] = phase
    for review_id, phase in accepted_ids.items():
        if review_id in stored:
            continue
        messages = in_topic.get(review_id)
        if not messages:
            result["lost_broker"].append((review_id, phase))
        else:
            if any((str(m["partition"]), str(m["offset"])) in dlq_positions for m in messages):
                result["dead_lettered"].append((review_id, phase))
            result["lost_pipeline"].append((review_id, phase))
            result["lost_positions"][review_id] = [(m["partition"], m["offset"], m["timestamp"]) for m in messages]
    result["resent_in_topic"] = sum(1 for i in accepted_ids if len(in_topic.get(i, ())) > 1)
    # Stored, but the broker no longer holds it: processed before the broker lost the end of its log (the
    # offsets it had are then given to new messages, which a processor trusting its positions would skip).
    result["gone_from_topic"] = sum(1 for i in accepted_ids if i in stored and i not in in_topic)
    for review_id, messages in in_topic.items():
        if review_id is not None and review_id not in accepted_ids:
            result["orphans_by_phase"][phases.at(messages[0]["timestamp"])] += 1

    # Counted twice: the count numbers no document holds any more.
    seqs = {d.get("seq") for d in documents if d.get("seq") is not None}
    if seqs or count == 0:
        holes = [n for n in range(1, count + 1) if n not in seqs]
        point_ids = [p["_id"] for p in points]
        for hole in holes:
            index = bisect.bisect_left(point_ids, hole)
            if index < len(points) and points[index].get("at") is not None:
                at = points[index]["at"]
                wall = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
                result["duplicates_by_phase"][phases.at(wall)] += 1
            else:
                result["duplicates_unattributed"] += 1
        attributed = len(holes)
    else:
        attributed = 0
    # Whatever the holes do not explain (documents without `seq`) still counts: totals against documents.
    result["duplicates_unattributed"] += max(0, (count - len(stored)) - attributed)
    result["duplicated_total"] = max(0, count - len(stored))
    return result


def replay(connection_factory, posts, post_once, timeout=10.0):
    """Sends some accepted posts again with their keys: each must answer the same id (idempotent intake).
    Returns a list of (key, first id, second answer) that differ."""
    mismatches = []
    connection = connection_factory()
    for post in posts:
        status, review_id, error, _ = None, None, None, None
        for attempt in range(5):
            status, review_id, error, _ = post_once(connection, post, timeout)
            if review_id is not None or (status is not None and 400 <= status < 500):
                break
            time.sleep(0.3 * (attempt + 1))
        if review_id != post.id:
            mismatches.append((post.key, post.id, review_id if review_id is not None else (status or error)))
    connection.close()
    return mismatches


def pick(items, n, seed):
    items = list(items)
    if n is None or n >= len(items):
        return items
    return random.Random(seed).sample(items, n)
