"""Poison messages on the reviews topic: every one must reach the dead-letter topic (`<topic>.dlq`) with a reason.

Each message is generated from a fixed seed and its number and keyed `poison-<run>-<n>`; the broker's delivery
report gives its partition and offset, and the processor's dead letter names that position in its
`dlq.source.partition` / `dlq.source.offset` headers (and its key `topic/partition/offset`), with `dlq.reason`.
None of them may be counted: the totals must not move."""
import json
import random
import time
from collections import Counter

TEXT = "Lovely soft fabric, fits perfectly"


def poison(rng):
    """(value bytes or None, kind, the reason the contract gives it)."""
    kind = rng.randrange(20)
    if kind == 10 and rng.random() < 0.8:
        kind = 11  # huge texts are few: the local broker keeps every message in memory and rewrites it to disk
    if kind == 0:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        # Random bytes are almost never valid UTF-8 JSON objects; make sure with an invalid byte.
        return data + b"\xff", "random bytes", "invalid_utf8"
    if kind == 1:
        return b"", "empty value", "invalid_json"
    if kind == 2:
        full = json.dumps({"id": f"p{rng.random()}", "reviewText": TEXT, "overall": 4}).encode()
        return full[:rng.randrange(1, len(full) - 1)], "truncated JSON", "invalid_json"
    if kind == 3:
        return rng.choice([b"[]", b"5", b'"text"', b"null", b"true", b'[{"reviewText":"x","overall":5}]']), "not an object", "not_an_object"
    if kind == 4:
        return json.dumps({"overall": rng.randint(1, 5)}).encode(), "missing reviewText", "missing_field"
    if kind == 5:
        return json.dumps({"reviewText": TEXT}).encode(), "missing overall", "missing_field"
    if kind == 6:
        return json.dumps({"reviewText": rng.choice([5, True, [TEXT], {"t": TEXT}]), "overall": 4}).encode(), "reviewText wrong type", "wrong_type"
    if kind == 7:
        return json.dumps({"reviewText": TEXT, "overall": rng.choice(["5", True, [5], {"v": 5}])}).encode(), "overall wrong type", "wrong_type"
    if kind == 8:
        return json.dumps({"id": rng.choice([5, "", True, [1]]), "reviewText": TEXT, "overall": 4}).encode(), "id wrong type", "wrong_type"
    if kind == 9:
        return json.dumps({"reviewText": rng.choice(["", " ", "\n\t", "\u00a0\u2003"]), "overall": 3}).encode(), "empty text", "empty_text"
    if kind == 10:
        return json.dumps({"reviewText": "z" * rng.randrange(61_441, 66_000), "overall": 2}).encode(), "huge text", "text_too_long"
    if kind == 11:
        value = rng.choice([0, 6, -1, 0.999, 5.0001, 1e308, -3])
        return json.dumps({"reviewText": TEXT, "overall": value}).encode(), "score out of range", "score_out_of_range"
    if kind == 12:
        return b'{"reviewText": "x", "overall": ' + rng.choice([b"NaN", b"Infinity", b"1e999", b"01", b"+1"]) + b"}", "bad number", "invalid_json"
    if kind == 13:
        depth = rng.randrange(65, 3000)
        return b'{"reviewText": "x", "overall": 3, "summary": ' + b"[" * depth + b"]" * depth + b"}", "deep nesting", "invalid_json"
    if kind == 14:
        return json.dumps({"reviewText": TEXT, "overall": 4, "itemId": rng.choice([True, [1], 1.5])}).encode(), "itemId wrong type", "wrong_type"
    if kind == 15:
        return json.dumps({"reviewText": TEXT, "overall": 4, "summary": rng.choice([1, [], {}])}).encode(), "summary wrong type", "wrong_type"
    if kind == 16:
        return b'{"reviewText": "nice \xc3\x28 fabric", "overall": 4}', "invalid UTF-8 in text", "invalid_utf8"
    if kind == 17:
        return b'{"reviewText": "x\x01y", "overall": 4}', "control character in a string", "invalid_json"
    if kind == 18:
        return b'\xef\xbb\xbf{"reviewText": "x", "overall": 4}', "byte-order mark", "invalid_json"
    return b'{"reviewText": "x", "overall": 4,}', "trailing comma", "invalid_json"


def produce(brokers, topic, count, seed, run_id, log=print):
    """Produces `count` poison messages; returns {(partition, offset): (number, kind, expected reason)}."""
    from confluent_kafka import Producer
    producer = Producer({"bootstrap.servers": brokers, "acks": "all", "linger.ms": 20,
                         "message.max.bytes": 1_000_000, "enable.idempotence": False})
    positions, errors = {}, Counter()

    def delivered(error, message, number, kind, reason):
        if error is not None:
            errors[str(error)] += 1
        else:
            positions[(message.partition(), message.offset())] = (number, kind, reason)

    for number in range(count):
        value, kind, reason = poison(random.Random(f"{seed}-poison-{number}"))
        while True:
            try:
                producer.produce(topic, value=value, key=f"poison-{run_id}-{number}".encode(),
                                 on_delivery=lambda e, m, n=number, k=kind, r=reason: delivered(e, m, n, k, r))
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(60)
    if remaining or errors:
        log(f"poison: {remaining} not delivered, delivery errors {dict(errors)}")
    return positions


def wait_dead_letters(brokers, dlq_topic, source_topic, positions, timeout, stall, read_topic, log=print):
    """Reads the dead-letter topic until every poison position is there (or the bounds pass). Returns
    (found {(partition, offset): headers}, seconds)."""
    started = time.monotonic()
    found, last_count, last_change = {}, -1, time.monotonic()
    while True:
        for message in read_topic(brokers, dlq_topic, timeout=30):
            headers = message["headers"]
            source = (headers.get("dlq.source.topic") or b"").decode(errors="replace")
            try:
                position = (int(headers.get("dlq.source.partition")), int(headers.get("dlq.source.offset")))
            except (TypeError, ValueError):
                continue
            if source == source_topic and position in positions:
                found[position] = headers
        missing = len(positions) - len(found)
        if missing == 0 or time.monotonic() - started > timeout:
            break
        if len(found) != last_count:
            last_count, last_change = len(found), time.monotonic()
        elif time.monotonic() - last_change > stall:
            break
        time.sleep(2)
    return found, time.monotonic() - started
