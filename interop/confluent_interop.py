#!/usr/bin/python3
"""Interoperability check with Confluent's own client (Debian: python3-confluent-kafka, python3-avro).

Produces cancel commands with confluent_kafka.avro's AvroProducer through a Confluent-compatible
registry, then reads the processor's outputs and decodes them with Confluent's MessageSerializer,
checking their fields. The Java side must already have written the grants and run states:

  ops-py        grant with role admin for every tenant
  exec-py-run   RUNNING   -> cmd-py-cancel  is accepted        (run-state-changes: CANCELLED)
  exec-py-done  COMPLETED -> cmd-py-done    is ALREADY_TERMINAL (rejections)
  exec-py-run   any       -> cmd-py-intruder by an actor without a grant is UNAUTHORIZED

With --signing-key (the processor in cancel.identity.mode=signed), every command carries a JWT for
its actor in the `authorization` header, signed RS256 with Debian's python3-jwt, and one more command,
cmd-py-forged, carries a token signed with a key of its own: it is UNAUTHORIZED.

Prints one line per outcome and exits 0 when all match, 1 on a mismatch, 2 on a timeout.
"""
import argparse
import datetime
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from confluent_kafka import Consumer
from confluent_kafka.avro import AvroProducer, CachedSchemaRegistryClient, load
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

COMMANDS = [
    # commandId, executionId, cancelledBy
    ("cmd-py-cancel", "exec-py-run", "ops-py"),
    ("cmd-py-done", "exec-py-done", "ops-py"),
    ("cmd-py-intruder", "exec-py-run", "intruder"),
]
EXPECTED_CANCELLATIONS = {"cmd-py-cancel": ("exec-py-run", "RUNNING")}
EXPECTED_REJECTIONS = {"cmd-py-done": "ALREADY_TERMINAL", "cmd-py-intruder": "UNAUTHORIZED"}


def main():
    args = parse_args()
    produce(args)
    changes, rejections = consume(args)
    problems = check(changes, rejections)
    for problem in problems:
        print("MISMATCH " + problem)
    if len(changes) < len(EXPECTED_CANCELLATIONS) or len(rejections) < len(EXPECTED_REJECTIONS):
        print("TIMEOUT after %d s: %d of %d cancellations, %d of %d rejections" % (
            args.timeout, len(changes), len(EXPECTED_CANCELLATIONS), len(rejections), len(EXPECTED_REJECTIONS)))
        return 2
    return 1 if problems else 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry-url", required=True)
    parser.add_argument("--command-schema", required=True, help="path to schemas/CancelCommand.avsc")
    parser.add_argument("--commands-topic", default="controlplane.execution.cancel.commands")
    parser.add_argument("--run-state-changes-topic", default="controlplane.execution.run-state-changes")
    parser.add_argument("--rejections-topic", default="controlplane.execution.cancel.rejections")
    parser.add_argument("--timeout", type=int, default=60, help="seconds to wait for the outcomes")
    parser.add_argument("--signing-key", help="PEM private key of the identity issuer: sign every command")
    parser.add_argument("--issuer", default="https://issuer.interop.local")
    parser.add_argument("--key-id", default="interop-issuer")
    args = parser.parse_args()
    if args.signing_key:
        COMMANDS.append(("cmd-py-forged", "exec-py-run", "ops-py"))
        EXPECTED_REJECTIONS["cmd-py-forged"] = "UNAUTHORIZED"
    return args


def token(args, key, command_id, execution_id, actor):
    now = int(time.time())
    claims = {"iss": args.issuer, "aud": "controlplane.execution.cancel", "sub": actor, "jti": command_id,
              "execution_id": execution_id, "iat": now, "exp": now + 300}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": args.key_id})


def produce(args):
    producer = AvroProducer(
        {"bootstrap.servers": args.bootstrap_servers, "schema.registry.url": args.schema_registry_url},
        default_value_schema=load(args.command_schema))
    now = datetime.datetime.now(datetime.timezone.utc)
    issuer_key = open(args.signing_key, "rb").read() if args.signing_key else None
    forger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for command_id, execution_id, actor in COMMANDS:
        headers = None
        if issuer_key is not None:
            key = forger_key if command_id == "cmd-py-forged" else issuer_key
            headers = [("authorization", "Bearer " + token(args, key, command_id, execution_id, actor))]
        # Unkeyed: AvroProducer would Avro-encode a key, and this contract's keys are plain strings.
        # The processor keys unkeyed commands by executionId itself.
        producer.produce(topic=args.commands_topic, value={
            "commandId": command_id,
            "executionId": execution_id,
            "cancelledBy": actor,
            "reason": "written by Confluent's Python client",
            "requestedAt": now,
            "traceId": "trace-" + command_id,
        }, headers=headers)
        print("PRODUCED %s for %s by %s" % (command_id, execution_id, actor))
    if producer.flush(30) != 0:
        print("could not deliver the commands within 30 s")
        sys.exit(2)


def consume(args):
    # AvroConsumer would also decode the keys as Avro; these are plain strings, so the values are
    # decoded with the same Confluent MessageSerializer that AvroConsumer.poll uses.
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.schema_registry_url}))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "confluent-interop-" + str(uuid.uuid4()),
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    })
    consumer.subscribe([args.run_state_changes_topic, args.rejections_topic])
    changes, rejections = {}, {}
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline and (
                len(changes) < len(EXPECTED_CANCELLATIONS) or len(rejections) < len(EXPECTED_REJECTIONS)):
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            value = serializer.decode_message(message.value(), is_key=False)
            key = message.key().decode("utf-8") if message.key() is not None else None
            if message.topic() == args.run_state_changes_topic:
                changes[value["commandId"]] = (key, value)
                print("CANCELLED %s: %s %s -> %s" % (
                    value["commandId"], value["executionId"], value["previousStatus"], value["status"]))
            else:
                rejections[value["commandId"]] = (key, value)
                print("REJECTED %s: %s %s" % (value["commandId"], value["code"], value["message"]))
    finally:
        consumer.close()
    return changes, rejections


def check(changes, rejections):
    problems = []
    for command_id, (key, change) in changes.items():
        if command_id not in EXPECTED_CANCELLATIONS:
            problems.append("unexpected cancellation for %s" % command_id)
            continue
        execution_id, previous = EXPECTED_CANCELLATIONS[command_id]
        expect(problems, command_id, "key", key, execution_id)
        expect(problems, command_id, "executionId", change["executionId"], execution_id)
        expect(problems, command_id, "status", change["status"], "CANCELLED")
        expect(problems, command_id, "previousStatus", change["previousStatus"], previous)
        expect(problems, command_id, "cancelledBy", change["cancelledBy"], "ops-py")
        expect(problems, command_id, "traceId", change["traceId"], "trace-" + command_id)
        expect(problems, command_id, "cancelledAt is a datetime",
               isinstance(change["cancelledAt"], datetime.datetime), True)
    for command_id, (key, rejection) in rejections.items():
        if command_id not in EXPECTED_REJECTIONS:
            problems.append("unexpected rejection for %s" % command_id)
            continue
        expect(problems, command_id, "code", rejection["code"], EXPECTED_REJECTIONS[command_id])
        expect(problems, command_id, "traceId", rejection["traceId"], "trace-" + command_id)
        original = rejection["command"] or {}
        expect(problems, command_id, "command.commandId", original.get("commandId"), command_id)
        expect(problems, command_id, "command.reason", original.get("reason"), "written by Confluent's Python client")
    return problems


def expect(problems, command_id, field, actual, expected):
    if actual != expected:
        problems.append("%s: %s is %r, expected %r" % (command_id, field, actual, expected))


if __name__ == "__main__":
    sys.exit(main())
