"""A faithful point-in-time restore for moto 5.2.1 (the emulator's `pitr-restore` patch).

moto's RestoreTableToPointInTime copies the source table as it is *now*, returns it ACTIVE at once
and stamps RestoreSummary.RestoreDateTime with the creation time. AWS restores the items as they
were at the requested point, keeps the new table CREATING for minutes, and CloudTrail reports the
call to EventBridge ("AWS API Call via CloudTrail"), which is what starts this project's sessions.

This module keeps a history of every write to every table (from the table's creation: put, update,
delete, batch and transaction writes all end in Table.put_item / Table.delete_item /
DynamoDBBackend.update_item) and then restores like AWS:

- RestoreDateTime or UseLatestRestorableTime (exactly one), source by SourceTableName or
  SourceTableArn. The target is created in the region the call is made in; a source in another
  region (a cross-region restore) can only be named by SourceTableArn, as in AWS: a SourceTableName
  is a table of the calling region, and an unknown one is SourceTableNotFoundException; PITR must be on for the source (PointInTimeRecoveryUnavailableException), the
  point must lie between EarliestRestorableDateTime (when PITR was turned on) and
  LatestRestorableDateTime (InvalidRestoreTimeException), the target must not exist.
- LatestRestorableDateTime follows the clock RCDC_PITR_LAG_SECONDS (default 1) behind; AWS lags
  about five minutes.
- The target holds the items as they were at the point (every write at or before it), is CREATING
  for RCDC_RESTORE_CREATING_SECONDS (default 3), and carries RestoreSummary with the requested
  point and the source's ARN.
- Every call, refused or not, puts the CloudTrail-shaped event on the region's default event bus,
  with errorCode/errorMessage when refused.
"""

import copy
import datetime
import json
import os
import threading
import time
import uuid


def _seconds(name, default):
    return float(os.environ.get(name, default))


def _epoch(value):
    """A timestamp as moto hands it over (datetime, number or numeric string) in epoch seconds."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return float(value)


def _cloudtrail_date(epoch):
    # CloudTrail writes request and response dates in Java's default medium format.
    moment = datetime.datetime.fromtimestamp(_epoch(epoch), datetime.timezone.utc)
    return moment.strftime("%b %-d, %Y, %-I:%M:%S %p")


def apply(require):
    from collections import defaultdict

    from moto.dynamodb import models, responses
    from moto.dynamodb.exceptions import (
        MockValidationException,
        PointInTimeRecoveryUnavailable,
        SourceTableNotFoundException,
        TableAlreadyExistsException,
    )
    from moto.dynamodb.models import table as tables
    from moto.core.exceptions import JsonRESTError

    require(tables.Table, "put_item")
    require(tables.Table, "delete_item")
    require(models.DynamoDBBackend, "update_item")
    require(models.DynamoDBBackend, "restore_table_to_point_in_time")
    require(models.DynamoDBBackend, "describe_continuous_backups")
    require(responses.DynamoHandler, "restore_table_to_point_in_time")

    class InvalidRestoreTime(JsonRESTError):
        def __init__(self, message):
            super().__init__("com.amazonaws.dynamodb.v20120810#InvalidRestoreTimeException", message)

    lock = threading.Lock()

    def record(table, hash_key, range_key):
        """Appends (time, key, the item as stored now or None) to the table's history."""
        stored = table.items.get(hash_key)
        if range_key is not None and isinstance(stored, dict):
            stored = stored.get(range_key)
        key = (json.dumps(hash_key.to_json(), sort_keys=True),
               json.dumps(range_key.to_json(), sort_keys=True) if range_key is not None else None)
        with lock:
            table.__dict__.setdefault("rcdc_history", []).append(
                (time.time(), key, hash_key, range_key, copy.deepcopy(stored) if stored is not None else None))

    put_item = tables.Table.put_item
    delete_item = tables.Table.delete_item
    update_item = models.DynamoDBBackend.update_item

    def recording_put_item(self, *args, **kwargs):
        item = put_item(self, *args, **kwargs)
        record(self, item.hash_key, item.range_key)
        return item

    def recording_delete_item(self, hash_key, range_key):
        item = delete_item(self, hash_key, range_key)
        if item is not None:
            record(self, hash_key, range_key)
        return item

    def recording_update_item(self, table_name, *args, **kwargs):
        item = update_item(self, table_name, *args, **kwargs)
        record(self.get_table(table_name), item.hash_key, item.range_key)
        return item

    tables.Table.put_item = recording_put_item
    tables.Table.delete_item = recording_delete_item
    models.DynamoDBBackend.update_item = recording_update_item

    lag = _seconds("RCDC_PITR_LAG_SECONDS", "1")
    creating_seconds = _seconds("RCDC_RESTORE_CREATING_SECONDS", "3")

    describe_continuous_backups = models.DynamoDBBackend.describe_continuous_backups

    def latest_restorable(self, table_name):
        backups = describe_continuous_backups(self, table_name)
        description = backups.get("PointInTimeRecoveryDescription", {})
        if description.get("PointInTimeRecoveryStatus") == "ENABLED":
            # Never before the earliest: right after PITR is switched on, the window is that instant.
            description["LatestRestorableDateTime"] = max(
                time.time() - lag, _epoch(description["EarliestRestorableDateTime"]))
        return backups

    models.DynamoDBBackend.describe_continuous_backups = latest_restorable

    def source_backend(self, source_table_arn):
        """The backend that holds the source: the ARN's account and region, else the calling one's."""
        from moto.dynamodb.models import dynamodb_backends

        if not source_table_arn:
            return self
        parts = source_table_arn.split(":")
        if len(parts) < 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
            raise MockValidationException(f"Invalid SourceTableArn: {source_table_arn}")
        if parts[4] != self.account_id:
            raise SourceTableNotFoundException(source_table_arn)
        return dynamodb_backends[parts[4]][parts[3]]

    def restore(self, target_table_name, source_table_name, restore_point, source_table_arn=None):
        """The target (in this backend's region) with the source's items as of restore_point (epoch seconds)."""
        home = source_backend(self, source_table_arn)
        try:
            source = home.get_table(source_table_name)
        except Exception:
            raise SourceTableNotFoundException(source_table_arn or source_table_name)
        pitr = latest_restorable(home, source.name)["PointInTimeRecoveryDescription"]
        if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
            raise PointInTimeRecoveryUnavailable(source.name)
        if restore_point is None:
            restore_point = _epoch(pitr["LatestRestorableDateTime"])
        earliest, latest = _epoch(pitr["EarliestRestorableDateTime"]), _epoch(pitr["LatestRestorableDateTime"])
        if not earliest <= restore_point <= latest:
            raise InvalidRestoreTime(
                f"Restore time {_cloudtrail_date(restore_point)} is not in the restorable window "
                f"{_cloudtrail_date(earliest)} - {_cloudtrail_date(latest)} of table {source.name}")
        if target_table_name in self.tables:
            raise TableAlreadyExistsException(target_table_name)

        state = {}
        with lock:
            for at, key, hash_key, range_key, item in source.__dict__.get("rcdc_history", []):
                if at > restore_point:
                    break
                state[key] = (hash_key, range_key, item)
        target = models.RestoredPITTable(target_table_name, account_id=self.account_id,
                                         region=self.region_name, source=source)
        target.items = defaultdict(dict)
        for hash_key, range_key, item in state.values():
            if item is None:
                continue
            if range_key is None:
                target.items[hash_key] = copy.deepcopy(item)
            else:
                target.items[hash_key][range_key] = copy.deepcopy(item)
        target.restore_date_time = restore_point
        target.rcdc_active_at = time.time() + creating_seconds
        self.tables[target_table_name] = target
        return target

    describe = models.RestoredPITTable.describe

    def describe_restored(self, base_key="TableDescription"):
        result = describe(self, base_key=base_key)
        creating = time.time() < getattr(self, "rcdc_active_at", 0)
        result[base_key]["TableStatus"] = "CREATING" if creating else "ACTIVE"
        result[base_key]["RestoreSummary"]["RestoreInProgress"] = creating
        return result

    models.RestoredPITTable.describe = describe_restored

    def restore_table_to_point_in_time(handler):
        body = handler.body
        source = body.get("SourceTableName") or (body.get("SourceTableArn") or "").split("/")[-1]
        target = body.get("TargetTableName")
        parameters = {"targetTableName": target}
        if body.get("SourceTableArn"):
            parameters["sourceTableArn"] = body["SourceTableArn"]
        else:
            parameters["sourceTableName"] = source
        if "RestoreDateTime" in body:
            parameters["restoreDateTime"] = _cloudtrail_date(body["RestoreDateTime"])
        if "UseLatestRestorableTime" in body:
            parameters["useLatestRestorableTime"] = body["UseLatestRestorableTime"]
        backend = handler.dynamodb_backend
        try:
            latest = bool(body.get("UseLatestRestorableTime"))
            if latest == ("RestoreDateTime" in body):
                raise MockValidationException(
                    "Only one of RestoreDateTime or UseLatestRestorableTime must be specified")
            point = None if latest else _epoch(body["RestoreDateTime"])
            table = restore(backend, target, source, point, body.get("SourceTableArn"))
        except JsonRESTError as refused:
            emit(handler, parameters, None, refused)
            raise
        description = table.describe()
        emit(handler, parameters, description["TableDescription"], None)
        return responses.DynamoResult(description)

    responses.DynamoHandler.restore_table_to_point_in_time = restore_table_to_point_in_time

    def emit(handler, parameters, description, refused):
        from moto.events.models import events_backends

        account, region = handler.current_account, handler.region
        now = time.time()
        detail = {
            "eventVersion": "1.09",
            "userIdentity": {"type": "IAMUser", "accountId": account, "principalId": "local-aws"},
            "eventTime": datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "dynamodb.amazonaws.com",
            "eventName": "RestoreTableToPointInTime",
            "awsRegion": region,
            "sourceIPAddress": "127.0.0.1",
            "userAgent": handler.headers.get("User-Agent", "local-aws"),
            "requestParameters": parameters,
            "responseElements": None,
            "requestID": str(uuid.uuid4()),
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "eventType": "AwsApiCall",
            "apiVersion": "2012-08-10",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
        if refused is not None:
            detail["errorCode"] = refused.error_type.split("#")[-1]
            detail["errorMessage"] = refused.message
        else:
            summary = description["RestoreSummary"]
            detail["resources"] = [{"accountId": account, "type": "AWS::DynamoDB::Table",
                                    "ARN": summary["SourceTableArn"]}]
            detail["responseElements"] = {"tableDescription": {
                "tableName": description["TableName"],
                "tableArn": description["TableArn"],
                "tableStatus": description["TableStatus"],
                "restoreSummary": {
                    "sourceTableArn": summary["SourceTableArn"],
                    "restoreDateTime": _cloudtrail_date(summary["RestoreDateTime"]),
                    "restoreInProgress": summary["RestoreInProgress"],
                },
            }}
        events_backends[account][region].put_events([{
            "Source": "aws.dynamodb",
            "DetailType": "AWS API Call via CloudTrail",
            "Detail": json.dumps(detail),
            "EventBusName": "default",
        }])


def apply_step_functions_targets(require):
    """EventBridge rules deliver to Step Functions targets: StartExecution with the event as input.

    moto 5.2.1 raises NotImplementedError for a state machine target, so PutEvents fails with 500.
    EventBridge starts an execution whose input is the whole event (with its "account"); a target
    InputTransformer/Input is not used by this project and is ignored.
    """
    import event_targets
    from moto.utilities.arns import parse_arn

    def start_execution(rule, target, event):
        from moto.stepfunctions.parser.models import stepfunctions_parser_backends

        arn = parse_arn(target["Arn"])
        stepfunctions_parser_backends[arn.account][arn.region].start_execution(
            target["Arn"], name=str(uuid.uuid4()), execution_input=json.dumps(event))

    event_targets.deliver_to(require, "states", start_execution)
