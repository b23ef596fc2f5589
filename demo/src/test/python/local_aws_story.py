#!/usr/bin/env python3
"""A plain boto3 client of `bin/local-aws up`: the story a user without an AWS account plays.

With AWS_ENDPOINT_URL set to the line `bin/local-aws up` printed: create a table with a stream and
PITR, deploy for it with `bin/local-aws deploy`, write to it, restore it to a point in the past with
RestoreTableToPointInTime, check that the restored table holds exactly the items of that point
before replay starts, and watch the session reach CAUGHT_UP with `bin/restore-cdc status --json`,
the writes made after the request replayed. Exits non-zero with the reason on any difference.
"""
import datetime
import json
import os
import subprocess
import sys
import time

import boto3

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
TABLE = "orders"
TARGET = "orders-restored"


def step(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(*args):
    done = subprocess.run([os.path.join(ROOT, "bin", args[0]), *args[1:]], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def items(dynamo, table):
    found = {}
    for page in dynamo.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            found[item["pk"]["S"]] = item["v"]["N"]
    return found


def main():
    region = os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION", "us-east-1"))
    dynamo = boto3.client("dynamodb", region_name=region)

    step("create table with a stream (NEW_AND_OLD_IMAGES) and point-in-time recovery")
    dynamo.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    dynamo.update_continuous_backups(TableName=TABLE,
                                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

    step("bin/local-aws deploy")
    outputs = json.loads(run("local-aws", "deploy", "--table", TABLE,
                             "--set", "session.restore_poll_seconds=1",
                             "--set", "session.restore_timeout_seconds=120",
                             "--set", "session.caught_up_poll_seconds=1",
                             "--set", "session.drain_poll_seconds=1",
                             "--set", "session.max_session_seconds=600",
                             "--set", "queue.visibility_timeout_seconds=5"))
    assert outputs["state_machine_arn"], outputs

    step("writes before the restore point")
    for i in range(10):
        dynamo.put_item(TableName=TABLE, Item={"pk": {"S": f"k{i}"}, "v": {"N": "1"}})
    expected_at_t = {f"k{i}": "1" for i in range(10)}
    time.sleep(1.1)
    restore_point = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.1)

    step("bad writes after the restore point (the restore undoes them)")
    dynamo.put_item(TableName=TABLE, Item={"pk": {"S": "k0"}, "v": {"N": "0"}})
    dynamo.delete_item(TableName=TABLE, Key={"pk": {"S": "k1"}})
    dynamo.put_item(TableName=TABLE, Item={"pk": {"S": "bad"}, "v": {"N": "0"}})
    time.sleep(2.2)  # stream times have one-second precision: keep the bad writes out of R's second

    step(f"RestoreTableToPointInTime({restore_point.isoformat()}) → {TARGET}")
    restored = dynamo.restore_table_to_point_in_time(SourceTableName=TABLE, TargetTableName=TARGET,
                                                     RestoreDateTime=restore_point)["TableDescription"]
    if restored["TableStatus"] != "CREATING":
        sys.exit(f"a restore starts CREATING, got {restored['TableStatus']}")
    summary = restored["RestoreSummary"]
    # The wire carries the point in whole seconds (moto's serializer); the items are those at the exact point.
    if abs(summary["RestoreDateTime"].timestamp() - restore_point.timestamp()) >= 1:
        sys.exit(f"RestoreSummary.RestoreDateTime {summary['RestoreDateTime']} is not the requested point {restore_point}")
    before_replay = items(dynamo, TARGET)
    if before_replay != expected_at_t:
        sys.exit(f"the restored table does not hold the items of the restore point: {before_replay} != {expected_at_t}")

    time.sleep(1.1)
    step("writes after the request (the session replays these)")
    dynamo.put_item(TableName=TABLE, Item={"pk": {"S": "k2"}, "v": {"N": "2"}})
    dynamo.put_item(TableName=TABLE, Item={"pk": {"S": "new"}, "v": {"N": "3"}})
    dynamo.delete_item(TableName=TABLE, Key={"pk": {"S": "k3"}})
    expected = dict(expected_at_t, k2="2", new="3")
    del expected["k3"]

    step("waiting for bin/restore-cdc status --json to say CAUGHT_UP")
    deadline = time.monotonic() + 240
    status = None
    while time.monotonic() < deadline:
        report = json.loads(run("restore-cdc", "status", "--table", TABLE, "--json"))
        sessions = report["tables"][0]["sessions"]
        status = sessions[0]["status"] if sessions else None
        if status == "FAILED":
            sys.exit(f"the session FAILED: {sessions[0].get('reason')}")
        if status == "CAUGHT_UP" and items(dynamo, TARGET) == expected:
            step(f"CAUGHT_UP, the restored table holds the restore point plus every later write: {sorted(expected)}")
            return
        time.sleep(1)
    sys.exit(f"not caught up with every write within 240 s: status {status}, table {items(dynamo, TARGET)}, expected {expected}")


if __name__ == "__main__":
    main()
