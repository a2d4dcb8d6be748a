#!/usr/bin/python3
"""Writes run states and unkeyed cancel commands as librdkafka-based producers do by default.

Debian: python3-confluent-kafka, python3-avro, python3-requests. The producer keeps librdkafka's
default partitioner (consistent_random: CRC32 of the key), so keyed run states land where Kafka's
Java client would often not put them. Values are framed and registered by Confluent's own
MessageSerializer; keys are the executionId as plain UTF-8, as this contract's keys are.

For each i in 1..count: run state <prefix>-i RUNNING (keyed), then a command cmd-<prefix>-i for it
by --actor with no key, which the processor must re-key onto the run state's partition.
Prints one line per delivered record (topic, key, partition) and exits 0 once all are delivered.
"""
import argparse
import datetime
import json
import sys

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient, loads
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def main():
    args = parse_args()
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.schema_registry_url}))
    run_state_schema = loads(json.dumps(inline_run_status(args.run_state_schema, args.run_status_schema)))
    with open(args.command_schema) as command_schema:
        command_schema = loads(command_schema.read())
    # No "partitioner" setting: librdkafka's default is what this script is about.
    producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    failures = []

    def report(error, message):
        if error is not None:
            failures.append(str(error))
            return
        key = message.key().decode("utf-8") if message.key() is not None else "-"
        print("DELIVERED %s %s %d" % (message.topic(), key, message.partition()))

    now = datetime.datetime.now(datetime.timezone.utc)
    execution_ids = ["%s-%d" % (args.prefix, i) for i in range(1, args.count + 1)]
    for execution_id in execution_ids:
        value = serializer.encode_record_with_schema(args.run_states_topic, run_state_schema, {
            "executionId": execution_id,
            "tenantId": args.tenant,
            "status": "RUNNING",
            "version": 1,
            "updatedAt": now,
        })
        producer.produce(args.run_states_topic, value, execution_id.encode("utf-8"), on_delivery=report)
    if producer.flush(30) != 0:
        print("could not deliver the run states within 30 s")
        return 2
    for execution_id in execution_ids:
        value = serializer.encode_record_with_schema(args.commands_topic, command_schema, {
            "commandId": "cmd-" + execution_id,
            "executionId": execution_id,
            "cancelledBy": args.actor,
            "reason": "written by librdkafka with its default partitioner",
            "requestedAt": now,
            "traceId": "trace-" + execution_id,
        })
        producer.produce(args.commands_topic, value, None, on_delivery=report)
    if producer.flush(30) != 0:
        print("could not deliver the commands within 30 s")
        return 2
    for failure in failures:
        print("FAILED " + failure)
    return 1 if failures else 0


def inline_run_status(run_state_path, run_status_path):
    """RunState.avsc names RunStatus, defined in its own file: one schema for the registry."""
    with open(run_state_path) as run_state_file, open(run_status_path) as run_status_file:
        run_state, run_status = json.load(run_state_file), json.load(run_status_file)
    full_name = run_status["namespace"] + "." + run_status["name"]
    for field in run_state["fields"]:
        if field["type"] == full_name:
            field["type"] = run_status
    return run_state


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry-url", required=True)
    parser.add_argument("--run-state-schema", required=True, help="path to schemas/RunState.avsc")
    parser.add_argument("--run-status-schema", required=True, help="path to schemas/RunStatus.avsc")
    parser.add_argument("--command-schema", required=True, help="path to schemas/CancelCommand.avsc")
    parser.add_argument("--run-states-topic", default="controlplane.execution.run-states")
    parser.add_argument("--commands-topic", default="controlplane.execution.cancel.commands")
    parser.add_argument("--prefix", default="exec-lib", help="executionIds are <prefix>-1 .. <prefix>-<count>")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--tenant", default="tenant-lib")
    parser.add_argument("--actor", default="ops-lib")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
