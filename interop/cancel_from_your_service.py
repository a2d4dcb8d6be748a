#!/usr/bin/python3
"""Cancel a run from a Python service with Confluent's client, as the Java CancelClient does.

What it takes to get it right (README, "Using it from your service"):
  - the command is keyed by executionId and placed where the processor looks for the run's state:
    the producer's partitioner must be the one cancel.partitioner names (murmur2 for Java producers
    of run states, consistent_random for librdkafka ones);
  - its value is Avro in the Confluent Schema Registry framing (Confluent's MessageSerializer);
  - the outcome is the one record on the run-state-changes or rejections topic that carries the
    command's commandId: read them read_committed (only decided outcomes), assigned rather than in a
    consumer group (no rebalance can take the answer away), from the ends taken BEFORE sending;
  - sending the same commandId again never cancels twice: the processor decides it once (the repeat
    gets no outcome of its own, so wait on the first one's).

  cancel_from_your_service.py --bootstrap-servers HOST:PORT --schema-registry-url URL \\
      --command-schema schemas/CancelCommand.avsc --execution ID --by ACTOR [--reason TEXT]

Prints one line, CANCELLED ..., CANCELLING ..., REJECTED <code> ... or TIMED OUT ..., and exits 0, 0, 2 or 3.
"""
import argparse
import datetime
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.avro import CachedSchemaRegistryClient, load
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

# cancel.partitioner -> librdkafka's partitioner that places a key the same way
PARTITIONERS = {"murmur2": "murmur2_random", "crc32": "consistent_random"}


class CancelClient:
    """One producer and one outcome reader; one cancel at a time (enough for a script)."""

    def __init__(self, bootstrap_servers, schema_registry_url, command_schema, partitioner="murmur2",
                 commands_topic="controlplane.execution.cancel.commands",
                 run_state_changes_topic="controlplane.execution.run-state-changes",
                 rejections_topic="controlplane.execution.cancel.rejections"):
        self.serializer = MessageSerializer(CachedSchemaRegistryClient({"url": schema_registry_url}))
        self.command_schema = command_schema
        self.commands_topic = commands_topic
        self.outcome_topics = (run_state_changes_topic, rejections_topic)
        self.producer = Producer({
            "bootstrap.servers": bootstrap_servers,
            "partitioner": PARTITIONERS[partitioner],
            "enable.idempotence": True,
            "acks": "all",
        })
        # librdkafka wants a group.id even for an assigned consumer; it never joins or commits
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap_servers,
            "group.id": "cancel-client-" + str(uuid.uuid4()),
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        })

    def cancel(self, execution_id, cancelled_by, reason=None, command_id=None, timeout=30.0):
        """Returns (status, record): ("CANCELLED"|"CANCELLING", change), ("REJECTED", rejection) or ("TIMED OUT", None)."""
        command_id = command_id or str(uuid.uuid4())
        self._read_from_the_ends_now()
        value = self.serializer.encode_record_with_schema(self.commands_topic, self.command_schema, {
            "commandId": command_id,
            "executionId": execution_id,
            "cancelledBy": cancelled_by,
            "reason": reason,
            "requestedAt": datetime.datetime.now(datetime.timezone.utc),
            "traceId": str(uuid.uuid4()),
        })
        self.producer.produce(self.commands_topic, key=execution_id.encode("utf-8"), value=value)
        if self.producer.flush(timeout) != 0:
            raise RuntimeError("could not write the cancel command within %s s" % timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.consumer.poll(min(0.5, max(0.0, deadline - time.monotonic())))
            if message is None or message.error():
                continue
            try:
                outcome = self.serializer.decode_message(message.value(), is_key=False)
            except Exception:  # another writer's record is not this command's outcome
                continue
            if outcome.get("commandId") != command_id:
                continue
            if message.topic() == self.outcome_topics[0]:
                return outcome["status"], outcome
            return "REJECTED", outcome
        return "TIMED OUT", None

    def _read_from_the_ends_now(self):
        """Assigns every outcome partition at its end as of now, so no outcome decided later is missed."""
        partitions = []
        metadata = self.consumer.list_topics(timeout=10)
        for topic in self.outcome_topics:
            for partition in metadata.topics[topic].partitions:
                _, high = self.consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
                partitions.append(TopicPartition(topic, partition, high))
        self.consumer.assign(partitions)

    def close(self):
        self.consumer.close()
        self.producer.flush(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry-url", required=True)
    parser.add_argument("--command-schema", required=True, help="path to schemas/CancelCommand.avsc")
    parser.add_argument("--partitioner", default="murmur2", choices=sorted(PARTITIONERS))
    parser.add_argument("--commands-topic", default="controlplane.execution.cancel.commands")
    parser.add_argument("--run-state-changes-topic", default="controlplane.execution.run-state-changes")
    parser.add_argument("--rejections-topic", default="controlplane.execution.cancel.rejections")
    parser.add_argument("--execution", required=True)
    parser.add_argument("--by", required=True)
    parser.add_argument("--reason")
    parser.add_argument("--command-id")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    client = CancelClient(args.bootstrap_servers, args.schema_registry_url, load(args.command_schema),
                          args.partitioner, args.commands_topic, args.run_state_changes_topic,
                          args.rejections_topic)
    try:
        status, outcome = client.cancel(args.execution, args.by, args.reason, args.command_id, args.timeout)
    finally:
        client.close()
    if status == "REJECTED":
        print("REJECTED %s %s: %s" % (outcome["code"], outcome["executionId"], outcome["message"]))
        return 2
    if status == "TIMED OUT":
        print("TIMED OUT %s: no outcome within %s s; the same --command-id never cancels twice"
              % (args.execution, args.timeout))
        return 3
    print("%s %s (was %s) at %s" % (status, outcome["executionId"], outcome["previousStatus"],
                                    outcome["cancelledAt"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
