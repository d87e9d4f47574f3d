"""Makes sure the reviews topic exists with a time retention on the local broker.

The local broker (noida-db) keeps every message in memory and, while messages arrive, rewrites its whole state as
one JSON file every 13-15 s, so a topic that only grows makes it slower and slower (measured: an 800 MB state file
after 800,000 reviews, the broker at 130 % CPU while rewriting it). It enforces `retention.ms`, so the local stack
keeps reviews for a bounded time; production Kafka keeps its own retention. Creates the topic with the partitions
given if it is missing, else sets the retention. Run by scripts/up."""
import argparse

from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewTopic


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.local.topic_retention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("brokers", help="bootstrap servers, e.g. 127.0.0.1:9092")
    parser.add_argument("topic")
    parser.add_argument("partitions", type=int, help="partitions of the topic when it is created")
    parser.add_argument("retention_ms", help="retention.ms to set")
    args = parser.parse_args()
    brokers, topic, partitions, retention = args.brokers, args.topic, args.partitions, args.retention_ms
    admin = AdminClient({"bootstrap.servers": brokers})
    if topic not in admin.list_topics(timeout=10).topics:
        admin.create_topics([NewTopic(topic, partitions, 1, config={"retention.ms": retention})])[topic].result()
        print(f"created topic {topic} ({partitions} partitions, retention {retention} ms)")
        return
    entry = ConfigEntry("retention.ms", retention, incremental_operation=AlterConfigOpType.SET)
    resource = ConfigResource("topic", topic, incremental_configs=[entry])
    for future in admin.incremental_alter_configs([resource]).values():
        future.result()
    print(f"topic {topic}: retention {retention} ms")


if __name__ == "__main__":
    main()
