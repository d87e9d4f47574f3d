"""The broker alone, as the POST rows of scripts/bench/http use it: N senders, each sending one review and waiting for the
broker's acknowledgement before sending the next (what N HTTP clients each waiting for their 201/202 amount to),
with the api-server's producer settings (idempotent, acks=all, linger). No HTTP in the path, so no POST through the
api-server or the gateway can be faster than this. Prints one line: requests/s mean_ms p50_ms p99_ms acked errors
broker_cpu_us_per_message."""
import argparse
import os
import time
import uuid

from confluent_kafka import Producer


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc (0 when unknown)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.bench.broker_acks", description=__doc__)
    parser.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092"))
    parser.add_argument("--topic", default=os.environ.get("REVIEWS_TOPIC", "reviews"))
    parser.add_argument("--senders", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--linger-ms", type=float, default=5)
    parser.add_argument("--broker-pid", type=int, default=0, help="PID of the broker, to report its CPU per message")
    args = parser.parse_args()

    producer = Producer({
        "bootstrap.servers": args.brokers, "enable.idempotence": True, "acks": "all",
        "linger.ms": args.linger_ms, "client.id": "bench-broker-acks",
    })
    body = b'{"reviewText":"Lovely fabric and it fits true to size; I would buy it again in another colour.","overall":5}'
    latencies = []
    errors = 0
    sending = True

    def send():
        key = uuid.uuid4().hex.encode()
        started = time.perf_counter()

        def acknowledged(error, _message):
            nonlocal errors
            if error is not None:
                errors += 1
            else:
                latencies.append(time.perf_counter() - started)
            if sending:
                send()

        producer.produce(args.topic, value=body, key=key, on_delivery=acknowledged)

    # Connect and learn the partitions before the clock starts.
    producer.produce(args.topic, value=body, key=b"warm-up")
    producer.flush(10)
    cpu_before = cpu_seconds(args.broker_pid)
    start = time.perf_counter()
    for _ in range(args.senders):
        send()
    while time.perf_counter() - start < args.seconds:
        producer.poll(0.01)
    sending = False
    elapsed = time.perf_counter() - start
    acked = len(latencies)
    producer.flush(10)
    cpu_used = cpu_seconds(args.broker_pid) - cpu_before
    latencies.sort()
    if not latencies:
        raise SystemExit("no message was acknowledged")
    mean = sum(latencies) / acked
    p50 = latencies[acked // 2]
    p99 = latencies[min(acked - 1, int(acked * 0.99))]
    per_message = cpu_used / max(len(latencies), 1) * 1e6 if args.broker_pid else 0
    print(f"{acked / elapsed:.0f} {mean * 1000:.2f} {p50 * 1000:.2f} {p99 * 1000:.2f} {acked} {errors} {per_message:.0f}")


if __name__ == "__main__":
    main()
