#!/usr/bin/env python3
"""Start moto 5.2.1 on a loopback port with the fixes this project needs (shared/LOCAL-AWS.md).

Usage: python3 local-aws/src/main/python/emulator.py [--port N] [--host 127.0.0.1] [--verbose] [--without PATCH,...]

Prints exactly one line `EMULATOR READY http://127.0.0.1:<port>` on stdout once the server answers
and Step Functions execution is switched on, then runs until SIGTERM/SIGINT, or until stdin reaches
end-of-file when stdin is a pipe (a parent process that dies closes the pipe, so no server leaks).

Each patch below is small, names the moto behaviour it changes and why, and checks that the moto
internals it relies on still exist, so an upgraded moto fails loudly instead of silently unpatched.
`--without` switches patches off by name, for measuring what a patch is worth.

Env RCDC_LAMBDA_INVOKE_URL (optional): moto's Lambda Invoke (the SDK Invoke API and Step Functions
`lambda:invoke` / `.waitForTaskToken` tasks, which call that API) is forwarded by HTTP POST to
`${RCDC_LAMBDA_INVOKE_URL}/2015-03-31/functions/<name>/invocations` instead of running Docker.
"""

import argparse
import copy
import json
import logging
import os
import signal
import socket
import stat
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import moto
from moto.moto_server import threaded_moto_server
from moto.server import ThreadedMotoServer

EXPECTED_MOTO = "5.2.1"
PATCHES = {}


def patch(name):
    """Registers a patch under a name that --without can refer to."""
    def register(fn):
        PATCHES[name] = fn
        return fn
    return register


def require(owner, attribute):
    if not hasattr(owner, attribute):
        raise SystemExit(f"emulator: moto {moto.__version__} has no {owner.__name__}.{attribute}; "
                         f"local-aws/src/main/python/emulator.py was written against moto {EXPECTED_MOTO}")


@patch("fifo-visibility")
def visible_at_expiry():
    # moto makes a message visible only when now > visible_at. After ChangeMessageVisibility(0)
    # now can still equal visible_at, so the message stays in flight and later messages of its
    # FIFO group overtake it. SQS makes it visible at once: compare with >=.
    from moto.sqs import models
    require(models.Message, "visible")

    def visible(message):
        return models.unix_time_millis() >= message.visible_at

    models.Message.visible = property(visible)


@patch("fifo-redelivery-order")
def redeliver_a_timed_out_group_in_order():
    # When a consumer received several messages of a FIFO group and let their visibility run out,
    # moto's ReceiveMessage frees them one by one while it walks the queue, and a message whose
    # group still has another pending message is skipped: the group's last message is delivered
    # first and the others after it, so an older change overwrites a newer one. SQS delivers a
    # group in order, always. Free every message whose visibility ran out before moto walks.
    from moto.sqs import models
    require(models.SQSBackend, "receive_message")
    require(models.Queue, "pending_messages")
    receive_message = models.SQSBackend.receive_message

    def receive_in_order(self, queue_name, *args, **kwargs):
        queue = self.get_queue(queue_name)
        for message in list(queue.pending_messages):
            if message.visible:
                queue.pending_messages.discard(message)
        return receive_message(self, queue_name, *args, **kwargs)

    models.SQSBackend.receive_message = receive_in_order


@patch("fifo-dedup-window")
def deduplicate_for_five_minutes_after_send():
    # SQS drops a FIFO message whose deduplication id was sent in the last five minutes, even if
    # that earlier message was already received and deleted. moto only compares with messages still
    # in the queue, so a stream record redelivered after its first copy was replayed would be queued
    # twice. Remember every id's send time per queue, as SQS does.
    from moto.sqs import models
    require(models.Queue, "add_message")
    require(models, "DEDUPLICATION_TIME_IN_SECONDS")
    add_message = models.Queue.add_message

    def add_once(queue, message):
        if queue.fifo_queue and message.deduplication_id:
            seen = queue.__dict__.setdefault("_rcdc_dedup_sent_ms", {})
            now = message.sent_timestamp
            window_ms = models.DEDUPLICATION_TIME_IN_SECONDS * 1000
            # DeduplicationScope messageGroup (high-throughput FIFO, as deployed): an id is unique
            # within its message group only.
            per_group = getattr(queue, "deduplication_scope", "queue") == "messageGroup"
            dedup_key = (message.group_id if per_group else None, message.deduplication_id)
            first = seen.get(dedup_key)
            if first is not None and now - first < window_ms:
                return
            if len(seen) > 100_000:
                for key, sent in list(seen.items()):
                    if now - sent >= window_ms:
                        del seen[key]
            seen[dedup_key] = now
            if not queue.lambda_event_source_mappings:
                # moto's add_message would drop the id again across groups; the window was decided here.
                with queue._messages_lock:
                    queue._messages.append(message)
                    queue._messages_lock.notify_all()
                return
        add_message(queue, message)

    models.Queue.add_message = add_once


@patch("sqs-clock")
def cheap_sqs_clock():
    # Every SendMessage builds the queue's attributes, which re-checks the visibility of every
    # queued message through moto's datetime-based clock: sends slow down as the queue grows.
    # time.time() gives the same epoch seconds far more cheaply. Explicit datetimes still use moto's.
    from moto.sqs import models
    require(models, "unix_time")
    require(models, "unix_time_millis")
    moto_unix_time = models.unix_time

    def unix_time(dt=None):
        return time.time() if dt is None else moto_unix_time(dt)

    def unix_time_millis(dt=None):
        return unix_time(dt) * 1000.0

    models.unix_time = unix_time
    models.unix_time_millis = unix_time_millis

    # The queue scans behind those attributes read the clock twice per message; one reading per
    # scan and plain comparisons cost a fraction. (Visible means now >= visible_at here, the rule
    # of fifo-visibility; delayed means now < delayed_until, as in moto.)
    Queue = models.Queue
    for name in ("messages", "approximate_number_of_messages",
                 "approximate_number_of_messages_not_visible", "approximate_number_of_messages_delayed"):
        require(Queue, name)

    def ready(queue):
        now = unix_time_millis()
        return [m for m in queue._messages if now >= m.visible_at and now >= m.delayed_until]

    def not_visible(queue):
        now = unix_time_millis()
        return sum(1 for m in queue._messages if now < m.visible_at)

    def delayed(queue):
        now = unix_time_millis()
        return sum(1 for m in queue._messages if now < m.delayed_until)

    Queue.messages = property(ready)
    Queue.approximate_number_of_messages = property(lambda queue: len(ready(queue)))
    Queue.approximate_number_of_messages_not_visible = property(not_visible)
    Queue.approximate_number_of_messages_delayed = property(delayed)


@patch("sqs-strict-messages")
def refuse_messages_as_sqs_does():
    # SQS counts a body's size in UTF-8 bytes against the queue's MaximumMessageSize and refuses a
    # body holding a character outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
    # #x10000-#x10FFFF (InvalidMessageContents). In SendMessageBatch it refuses only the entry at
    # fault (a BatchResultErrorEntry, SenderFault true) and sends the others; only a batch whose
    # bodies together pass 1 MiB fails as a whole (BatchRequestTooLong). moto counts characters,
    # accepts every character and refuses a whole batch for one bad entry: kinder than AWS exactly
    # where a change can be lost, so the local world follows AWS here.
    import re
    from moto.sqs import models, responses
    from moto.sqs.exceptions import (BatchEntryIdsNotDistinct, BatchRequestTooLong, EmptyBatchRequest,
                                     InvalidBatchEntryId, InvalidParameterValue, SQSException,
                                     TooManyEntriesInBatchRequest)
    from moto.core.responses import ActionResult
    for name in ("_validate_message", "send_message", "send_message_batch", "_get_first_duplicate_id"):
        require(models.SQSBackend, name)
    require(responses.SQSResponse, "send_message_batch")
    require(models, "MAXIMUM_MESSAGE_LENGTH")
    illegal = re.compile("[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
    validate = models.SQSBackend._validate_message

    def utf8_length(text):
        return len(text.encode("utf-8", "surrogatepass"))

    def strict_validate(self, queue, message_body, *args, **kwargs):
        size = utf8_length(message_body)
        if size > queue.maximum_message_size:
            raise InvalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter "
                                        f"than {queue.maximum_message_size} bytes.")
        bad = illegal.search(message_body)
        if bad:
            raise SQSException("InvalidMessageContents",
                               f"Invalid characters found (U+{ord(bad.group()):04X} at {bad.start()}). Valid unicode "
                               "characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | "
                               "#x10000 to #x10FFFF")
        return validate(self, queue, message_body, *args, **kwargs)

    def send_message_batch(self, queue_name, entries):
        self.get_queue(queue_name)
        if any(not re.match(r"^[\w-]{1,80}$", entry["Id"]) for entry in entries.values()):
            raise InvalidBatchEntryId()
        total = sum(utf8_length(entry["MessageBody"]) for entry in entries.values())
        if total > models.MAXIMUM_MESSAGE_LENGTH:
            raise BatchRequestTooLong(total)
        duplicate_id = self._get_first_duplicate_id([entry["Id"] for entry in entries.values()])
        if duplicate_id:
            raise BatchEntryIdsNotDistinct(duplicate_id)
        if len(entries) > 10:
            raise TooManyEntriesInBatchRequest(len(entries))
        messages, failed = [], []
        for entry in entries.values():
            try:
                message = self.send_message(queue_name, entry["MessageBody"],
                                            message_attributes=entry["MessageAttributes"],
                                            delay_seconds=entry["DelaySeconds"],
                                            group_id=entry.get("MessageGroupId"),
                                            deduplication_id=entry.get("MessageDeduplicationId"))
            except SQSException as error:
                failed.append({"Id": entry["Id"], "SenderFault": True, "Code": error.code,
                               "Message": error.message})
                continue
            message.user_id = entry["Id"]
            messages.append(message)
        return messages, failed

    def send_message_batch_response(self):
        queue_name = self._get_queue_name()
        queue = self.sqs_backend.get_queue(queue_name)
        entries = self._get_param("Entries", [])
        if not entries:
            raise EmptyBatchRequest()
        entries = {str(idx): entry for idx, entry in enumerate(entries)}
        for entry in entries.values():
            if "MessageAttributes" in entry:
                responses.validate_message_attributes(entry["MessageAttributes"])
            else:
                entry["MessageAttributes"] = {}
            entry.setdefault("DelaySeconds", None)
        messages, failed = self.sqs_backend.send_message_batch(queue_name, entries)
        successful = []
        for message in messages:
            ok = {"Id": message.user_id, "MessageId": message.id, "MD5OfMessageBody": message.body_md5}
            if len(message.message_attributes) > 0:
                ok["MD5OfMessageAttributes"] = message.attribute_md5
            if queue.fifo_queue:
                ok["SequenceNumber"] = message.sequence_number
            successful.append(ok)
        return ActionResult({"Successful": successful, "Failed": failed})

    models.SQSBackend._validate_message = strict_validate
    models.SQSBackend.send_message_batch = send_message_batch
    responses.SQSResponse.send_message_batch = send_message_batch_response


@patch("dynamodb-batch-write-limit")
def batch_write_holds_25_requests():
    # AWS: "A single call to BatchWriteItem can transmit up to 16MB of data over the network,
    # consisting of up to 25 item put or delete operations", counted over every table of the call;
    # more fails the call with a ValidationException. moto 5.2.1 takes any number, so a writer
    # that carries the key log with the target's items (two tables, one call) could overfill its
    # calls and every test would pass.
    from moto.dynamodb import responses
    from moto.dynamodb.exceptions import MockValidationException
    require(responses.DynamoHandler, "batch_write_item")
    original = responses.DynamoHandler.batch_write_item

    def batch_write_item(self):
        count = sum(len(requests) for requests in self.body.get("RequestItems", {}).values())
        if count > 25:
            raise MockValidationException(
                "Too many items requested for the BatchWriteItem call: " + str(count) + " (at most 25 over all tables)")
        return original(self)

    responses.DynamoHandler.batch_write_item = batch_write_item


@patch("sqs-send-attributes")
def sends_read_one_queue_attribute():
    # A SendMessage reads only ContentBasedDeduplication from queue.attributes, but moto builds
    # all of them each time (four times per message), counting every queued message: sends still
    # slow down with depth after the clock fix. While a send runs (thread-local flag), the
    # property returns just that attribute; every other caller gets the full set as before.
    from moto.sqs import models
    require(models.Queue, "attributes")
    require(models.SQSBackend, "send_message")
    require(models.SQSBackend, "send_message_batch")
    all_attributes = models.Queue.attributes.fget
    sending = threading.local()

    def attributes(queue):
        if not getattr(sending, "active", False):
            return all_attributes(queue)
        if not queue.fifo_queue:
            return {}
        return {"ContentBasedDeduplication": str(bool(queue.content_based_deduplication)).lower()}

    def while_sending(send):
        def wrapper(*args, **kwargs):
            outer = getattr(sending, "active", False)  # send_message_batch calls send_message
            sending.active = True
            try:
                return send(*args, **kwargs)
            finally:
                sending.active = outer
        return wrapper

    models.Queue.attributes = property(attributes)
    models.SQSBackend.send_message = while_sending(models.SQSBackend.send_message)
    models.SQSBackend.send_message_batch = while_sending(models.SQSBackend.send_message_batch)


@patch("tcp-nodelay")
def no_delay_on_accepted_sockets():
    # werkzeug writes headers and body with separate send() calls; with Nagle on the server and
    # delayed ACK on the client, larger responses stall ~40 ms. Clients should set TCP_NODELAY too
    # (botocore/urllib3 do by default).
    require(threaded_moto_server, "make_server")
    make_server = threaded_moto_server.make_server

    def make_server_without_nagle(*args, **kwargs):
        server = make_server(*args, **kwargs)
        accept = server.get_request

        def get_request():
            conn, address = accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, address

        server.get_request = get_request
        return server

    threaded_moto_server.make_server = make_server_without_nagle


@patch("sfn-deepcopy")
def state_machine_copy_shares_backend():
    # StartExecution deep-copies the StateMachine, including its backend and running executions
    # (which hold locks): every StartExecution after the first fails with "cannot pickle
    # '_thread.RLock'". An execution only needs a snapshot of the definition and settings.
    from moto.stepfunctions.models import StateMachine
    shared = {"backend"}
    shallow = {"executions", "versions", "aliases", "latest_version"}

    def deepcopy_state_machine(self, memo):
        clone = StateMachine.__new__(StateMachine)
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            if key in shared:
                clone.__dict__[key] = value
            elif key in shallow:
                clone.__dict__[key] = copy.copy(value)
            else:
                clone.__dict__[key] = copy.deepcopy(value, memo)
        return clone

    StateMachine.__deepcopy__ = deepcopy_state_machine


@patch("sfn-execution-name")
def unnamed_executions_get_a_uuid():
    # StartExecution's name is optional (AWS generates a UUID). moto's executing backend names an
    # unnamed execution "None", so the second unnamed StartExecution fails ExecutionAlreadyExists.
    import uuid
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    require(StepFunctionsParserBackend, "start_execution")
    start_execution = StepFunctionsParserBackend.start_execution

    def start_named(self, state_machine_arn, name=None, *args, **kwargs):
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    StepFunctionsParserBackend.start_execution = start_named


def sdk_v2_member_name(api_name):
    """The name AWS Step Functions' aws-sdk tasks take for an API member: the AWS SDK for Java v2
    name, capitalised. The SDK lower-cases a leading run of capitals, except the last one when a
    lower-case letter follows (its codegen Utils.unCapitalize): UUID -> uuid, SSESpecification ->
    sseSpecification, DBInstanceIdentifier -> dbInstanceIdentifier; Step Functions capitalises that
    (Uuid, SseSpecification, DbInstanceIdentifier). Names the SDK renames by customisation are not
    covered; src/test/java's StateMachineSdkNamesTest checks the machine against the SDK classes."""
    i = 1
    while (i < len(api_name) and api_name[i].isupper()
           and not (i < len(api_name) - 1 and api_name[i + 1].islower())):
        i += 1
    return api_name[0].upper() + api_name[1:i].lower() + api_name[i:]


@patch("sfn-sdk-member-names")
def sdk_tasks_take_sdk_v2_member_names():
    # AWS Step Functions' aws-sdk:<service>:<action> tasks take the AWS SDK for Java v2 member
    # names (Uuid for the Lambda API's UUID) and refuse the API's own spelling when it differs: the
    # definition fails validation. moto hands the keys to botocore as they are, so it takes UUID
    # and silently drops Uuid. Here: CreateStateMachine/UpdateStateMachine refuse a parameter name
    # (top level and nested structures) that is not the SDK v2 name (InvalidDefinition, as AWS),
    # and a running task maps SDK v2 names to botocore's. Also: moto reports a Lambda SDK error as
    # "lambda.<Name>"; AWS names the service "Lambda" (as "DynamoDb", which moto already knows).
    import botocore.session
    from moto.core.exceptions import AWSError
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as aws_sdk)
    require(StepFunctionsParserBackend, "_validate_definition")
    require(aws_sdk.StateTaskServiceAwsSdk, "_eval_service_task")
    require(aws_sdk.StateTaskServiceAwsSdk, "_get_boto_service_name")
    require(aws_sdk, "_SERVICE_ERROR_NAMES")
    aws_sdk._SERVICE_ERROR_NAMES.setdefault("lambda", "Lambda")
    sessions = threading.local()
    boto_services = {"sfn": "stepfunctions", "states": "stepfunctions"}

    def input_shape(service, action):
        session = getattr(sessions, "session", None) or botocore.session.get_session()
        sessions.session = session
        model = session.get_service_model(boto_services.get(service, service))
        return model.operation_model(action[0].upper() + action[1:]).input_shape

    def problems(where, parameters, shape, out):
        if not isinstance(parameters, dict) or shape is None or shape.type_name != "structure":
            return
        by_sdk_name = {sdk_v2_member_name(name): name for name in shape.members}
        for key, value in parameters.items():
            name = key[:-2] if key.endswith(".$") else key
            if name not in by_sdk_name:
                hint = f" (the SDK v2 name is {sdk_v2_member_name(name)})" if name in shape.members else ""
                out.append(f"The field '{name}' is not supported by Step Functions at {where}{hint}")
            elif not key.endswith(".$"):
                problems(f"{where}/{name}", value, shape.members[by_sdk_name[name]], out)

    def check(definition):
        found = []

        def walk(states, path):
            for state_name, state in (states or {}).items():
                resource = state.get("Resource", "") if isinstance(state, dict) else ""
                parts = resource.split(":")
                if resource.startswith("arn:aws:states:::aws-sdk:") and len(parts) >= 8:
                    service, action = parts[6], parts[7].split(".")[0]
                    try:
                        shape = input_shape(service, action)
                    except Exception as error:  # unknown service or action: moto fails it at run time
                        logging.getLogger("emulator").debug("no model for %s: %s", resource, error)
                        shape = None
                    problems(f"{path}/{state_name}/Parameters", state.get("Parameters"), shape, found)
                for i, branch in enumerate(state.get("Branches", []) if isinstance(state, dict) else []):
                    walk(branch.get("States"), f"{path}/{state_name}/Branches[{i}]/States")
                processor = (state.get("ItemProcessor") or state.get("Iterator")) if isinstance(state, dict) else None
                if processor:
                    walk(processor.get("States"), f"{path}/{state_name}/ItemProcessor/States")

        walk(definition.get("States"), "/States")
        return found

    validate = StepFunctionsParserBackend._validate_definition

    def validate_sdk_member_names(definition):
        validate(definition)
        found = check(json.loads(definition))
        if found:
            # AWSError, not moto's parser InvalidDefinition: that one reaches clients as UnknownError.
            raise AWSError("Invalid State Machine Definition: '" + ", ".join(
                f"SCHEMA_VALIDATION_FAILED: {p}" for p in found) + "'", "InvalidDefinition", 400)

    StepFunctionsParserBackend._validate_definition = staticmethod(validate_sdk_member_names)

    def to_botocore(parameters, shape):
        if not isinstance(parameters, dict) or shape is None or shape.type_name != "structure":
            return parameters
        by_sdk_name = {sdk_v2_member_name(name): name for name in shape.members}
        renamed = {}
        for key, value in parameters.items():
            name = by_sdk_name.get(key, key)
            renamed[name] = to_botocore(value, shape.members.get(name))
        return renamed

    eval_service_task = aws_sdk.StateTaskServiceAwsSdk._eval_service_task

    def eval_with_botocore_names(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        try:
            shape = input_shape(self.resource.api_name, self.resource.api_action)
        except Exception:  # no model: let moto fail the call as it would
            shape = None
        renamed = to_botocore(normalised_parameters, shape)
        normalised_parameters.clear()
        normalised_parameters.update(renamed)
        return eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials)

    aws_sdk.StateTaskServiceAwsSdk._eval_service_task = eval_with_botocore_names


@patch("sfn-sdk-result-names")
def sdk_task_results_use_sdk_v2_member_names():
    # AWS Step Functions' aws-sdk:<service>:<action> tasks return the AWS SDK for Java v2 result,
    # with its member names capitalised: StartExecution gives {"ExecutionArn", "StartDate"}, Lambda's
    # UpdateEventSourceMapping {"Uuid", "State", ...}. moto hands back botocore's response as is
    # ({"executionArn", "startDate"}, "UUID"), so a ResultSelector written for moto ($.executionArn)
    # fails in AWS with States.Runtime, and one written for AWS fails here. Here: results are renamed
    # as AWS names them (structures, lists and maps of structures, recursively).
    import botocore.session
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as aws_sdk)
    require(aws_sdk.StateTaskServiceAwsSdk, "_eval_service_task")
    boto_services = {"sfn": "stepfunctions", "states": "stepfunctions"}
    session = botocore.session.get_session()
    lock = threading.Lock()

    def output_shape(service, action):
        with lock:
            model = session.get_service_model(boto_services.get(service, service))
            return model.operation_model(action[0].upper() + action[1:]).output_shape

    def renamed(value, shape):
        if shape is None:
            return value
        if shape.type_name == "structure" and isinstance(value, dict):
            return {sdk_v2_member_name(k): renamed(v, shape.members.get(k)) for k, v in value.items()}
        if shape.type_name == "list" and isinstance(value, list):
            return [renamed(v, shape.member) for v in value]
        if shape.type_name == "map" and isinstance(value, dict):
            return {k: renamed(v, shape.value) for k, v in value.items()}
        return value

    eval_service_task = aws_sdk.StateTaskServiceAwsSdk._eval_service_task

    def eval_with_sdk_v2_result_names(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        result = eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials)
        try:
            shape = output_shape(self.resource.api_name, self.resource.api_action)
        except Exception:  # no model: leave the result as moto made it
            return result
        if env.stack and isinstance(env.stack[-1], dict):
            env.stack.append(renamed(env.stack.pop(), shape))
        return result

    aws_sdk.StateTaskServiceAwsSdk._eval_service_task = eval_with_sdk_v2_result_names


@patch("sfn-runtime-uncatchable")
def runtime_errors_are_not_caught():
    # AWS: a States.Runtime error (e.g. a ResultSelector path the result lacks) is never retried or
    # caught, States.ALL included, and fails the execution; States.ALL does not catch
    # States.DataLimitExceeded either. moto's States.ALL matches them, so a state machine's Catch
    # "handles" what in AWS ends the execution without its cleanup states.
    from moto.stepfunctions.parser.asl.component.common.error_name import error_equals_decl
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
    require(error_equals_decl.ErrorEqualsDecl, "_eval_body")
    eval_body = error_equals_decl.ErrorEqualsDecl._eval_body
    never = {StatesErrorNameType.StatesRuntime}
    not_by_all = {StatesErrorNameType.StatesRuntime, StatesErrorNameType.StatesStatesDataLimitExceeded}

    def eval_body_as_aws(self, env):
        error_name = env.stack[-1] if env.stack else None
        typ = getattr(error_name, "typ", None)
        if typ in never or (typ in not_by_all and error_equals_decl.ErrorEqualsDecl._STATE_ALL_ERROR in self.error_names):
            env.stack.pop()
            env.stack.append(False)
            return
        eval_body(self, env)

    error_equals_decl.ErrorEqualsDecl._eval_body = eval_body_as_aws


@patch("no-moto-esm-delivery")
def detach_moto_event_source_mappings():
    # moto delivers to a mapping's function itself, synchronously inside SendMessage / PutItem,
    # one message per call, even for a disabled DynamoDB mapping, and clears the stream's records
    # afterwards. The project's local Lambda service polls with AWS semantics instead, so moto's
    # mappings stay API-only records (Create/Get/Update/List/Delete still work).
    from moto.awslambda.models import LambdaBackend
    from moto.dynamodb.models import dynamodb_backends
    from moto.kinesis.models import kinesis_backends
    from moto.sqs.models import sqs_backends
    require(LambdaBackend, "create_event_source_mapping")
    create = LambdaBackend.create_event_source_mapping

    def create_detached(self, spec):
        esm = create(self, spec)
        sources = [
            *sqs_backends[self.account_id][self.region_name].queues.values(),
            *dynamodb_backends[self.account_id][self.region_name].tables.values(),
            *kinesis_backends[self.account_id][self.region_name].streams.values(),
        ]
        for source in sources:
            mappings = source.lambda_event_source_mappings
            for key in [k for k, v in mappings.items() if v is esm]:
                del mappings[key]
        return esm

    LambdaBackend.create_event_source_mapping = create_detached


@patch("stream-shards")
def streams_with_several_shards():
    # moto gives a stream one shard for ever. DynamoDB splits and rotates shards: a shard closes
    # (DescribeStream shows its EndingSequenceNumber), children name it as ParentShardId, and the
    # last GetRecords of a closed shard returns no NextShardIterator. A test-only endpoint plays a
    # rotation: POST /moto-api/rcdc/split-stream-shard {"table_name": T, "children": N} closes every
    # open shard of T's stream and opens N children; later writes go to a child by their hash key.
    import zlib
    from moto.dynamodb.exceptions import ResourceNotFoundException
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import StreamShard
    from moto.dynamodbstreams import models as streams
    from moto.moto_api._internal import urls as moto_api_urls
    for owner, attribute in ((StreamShard, "add"), (StreamShard, "to_json"), (streams.ShardIterator, "get"),
                             (streams.DynamoDBStreamsBackend, "describe_stream"),
                             (streams.DynamoDBStreamsBackend, "get_shard_iterator")):
        require(owner, attribute)
    add, to_json, iterator_get = StreamShard.add, StreamShard.to_json, streams.ShardIterator.get
    describe_stream = streams.DynamoDBStreamsBackend.describe_stream

    def shards_of(table):
        if table.stream_shard is None:
            return []
        shards = getattr(table, "rcdc_shards", None)
        if not shards or table.stream_shard not in shards:
            shards = table.rcdc_shards = [table.stream_shard]  # a new stream starts with one shard
        return shards

    def last_sequence(shard):
        return shard.starting_sequence_number + len(shard.items) - 1

    def routed_add(self, old, new):
        children = getattr(self, "rcdc_children", None)
        if not children:
            return add(self, old, new)
        item = new if new is not None else old
        hash_value = str(item.hash_key.value if item is not None and item.hash_key is not None else "")
        return routed_add(children[zlib.crc32(hash_value.encode()) % len(children)], old, new)

    def shard_json(self):
        out = to_json(self)
        if getattr(self, "rcdc_parent", None) is not None:
            out["ParentShardId"] = self.rcdc_parent
        if getattr(self, "rcdc_children", None):
            out["SequenceNumberRange"]["EndingSequenceNumber"] = str(self.rcdc_ending)
        return out

    def closed_get(self, limit=1000):
        result = iterator_get(self, limit)
        shard = self.stream_shard
        if getattr(shard, "rcdc_children", None) and not result["Records"] and self.sequence_number > shard.rcdc_ending:
            result["NextShardIterator"] = None  # the end of a closed shard
        return result

    def describe_all(self, arn):
        stream = describe_stream(self, arn)
        stream["Shards"] = [shard.to_json() for shard in shards_of(self._get_table_from_arn(arn))]
        return stream

    def iterator_for(self, arn, shard_id, shard_iterator_type, sequence_number=None):
        table = self._get_table_from_arn(arn)
        shard = next((s for s in shards_of(table) if s.id == shard_id), None)
        if shard is None:
            raise ResourceNotFoundException(f"Requested resource not found: Shard: {shard_id} in Stream: {arn}")
        iterator = streams.ShardIterator(self, shard, shard_iterator_type, sequence_number)
        self.shard_iterators[iterator.arn] = iterator
        return iterator

    def split(request, full_url, headers):
        body = json.loads(request.data or b"{}")
        children = int(body.get("children", 2))
        found = [backend.tables[body["table_name"]] for regions in dynamodb_backends.values()
                 for backend in regions.values() if body.get("table_name") in backend.tables]
        if not found or found[0].stream_shard is None or children < 1:
            return 400, {}, json.dumps({"message": f"no table with a stream named {body.get('table_name')!r}, or children < 1"})
        table = found[0]
        shards = shards_of(table)
        opened = []
        next_start = max(last_sequence(s) for s in shards) + 1_000_000_000
        for parent in [s for s in shards if not getattr(s, "rcdc_children", None)]:
            parent.rcdc_ending = max(last_sequence(parent), parent.starting_sequence_number)
            kids = []
            for _ in range(children):
                child = StreamShard(table.account_id, table)
                child.id = f"shardId-{int(time.time() * 1000):020d}-{os.urandom(4).hex()}"
                child.starting_sequence_number = next_start
                child.rcdc_parent = parent.id
                next_start += 1_000_000_000
                kids.append(child)
            parent.rcdc_children = kids
            shards.extend(kids)
            opened.append({"parent": parent.id, "ending_sequence_number": str(parent.rcdc_ending),
                           "children": [k.id for k in kids]})
        return 200, {"Content-Type": "application/json"}, json.dumps({"split": opened})

    StreamShard.add = routed_add
    StreamShard.to_json = shard_json
    streams.ShardIterator.get = closed_get
    streams.DynamoDBStreamsBackend.describe_stream = describe_all
    streams.DynamoDBStreamsBackend.get_shard_iterator = iterator_for
    moto_api_urls.url_paths["{0}/moto-api/rcdc/split-stream-shard"] = split


@patch("lambda-invoke-url")
def forward_invoke_to_local_lambda_service():
    # moto runs functions in Docker, which we don't have. With RCDC_LAMBDA_INVOKE_URL set, Invoke
    # is forwarded to the project's local Lambda service in the Invoke API's own shape. Step
    # Functions lambda:invoke tasks call this same API (through moto's HTTP endpoint), so they are
    # covered too. The function must exist in moto (CreateFunction), as in AWS.
    from moto.awslambda.models import LambdaBackend
    from moto.core.exceptions import JsonRESTError
    require(LambdaBackend, "invoke")
    moto_invoke = LambdaBackend.invoke
    forwarded_headers = ("X-Amz-Invocation-Type", "X-Amz-Client-Context", "X-Amz-Log-Type")

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        base_url = os.environ.get("RCDC_LAMBDA_INVOKE_URL")
        if not base_url:
            return moto_invoke(self, function_name, qualifier, body, headers, response_headers)
        fn = self.get_function(function_name, qualifier)
        url = f"{base_url.rstrip('/')}/2015-03-31/functions/{urllib.parse.quote(fn.function_name)}/invocations"
        if qualifier:
            url += "?" + urllib.parse.urlencode({"Qualifier": qualifier})
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        request = urllib.request.Request(url, data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        for name in forwarded_headers:
            if headers and headers.get(name):
                request.add_header(name, headers.get(name))
        try:
            # A function may run up to its own timeout; allow a little more for start-up.
            with urllib.request.urlopen(request, timeout=float(fn.timeout or 3) + 30) as response:
                payload = response.read()
                function_error = response.headers.get("X-Amz-Function-Error")
        except urllib.error.HTTPError as error:
            raise JsonRESTError(error.headers.get("X-Amzn-ErrorType", "ServiceException"),
                                f"local Lambda service answered {error.code} for {url}: "
                                f"{error.read().decode('utf-8', 'replace')}")
        except OSError as error:
            raise JsonRESTError("ServiceException", f"local Lambda service at {url} failed: {error}")
        if function_error:
            response_headers["x-amz-function-error"] = function_error
        response_headers["Content-Length"] = str(len(payload))
        return payload

    LambdaBackend.invoke = invoke


def switch_on_state_machine_execution(endpoint, deadline):
    """Also the readiness probe: moto answers its own API only once it is serving."""
    body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    while True:
        try:
            request = urllib.request.Request(f"{endpoint}/moto-api/config", data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@patch("pitr-restore")
def restore_to_the_requested_point():
    # moto restores the table as it is now, ACTIVE at once, and CloudTrail never reports the call.
    # AWS restores the items as of the requested point, keeps the table CREATING a while, and the
    # CloudTrail event is what starts a restore session. See pitr_restore.py.
    import pitr_restore
    pitr_restore.apply(require)


@patch("events-sfn-target")
def eventbridge_starts_state_machines():
    # moto's EventBridge cannot deliver to a Step Functions target (PutEvents fails with 500); the
    # deployment's rule targets the restore session's state machine, as Terraform's does.
    import pitr_restore
    pitr_restore.apply_step_functions_targets(require)


@patch("events-cross-region-bus")
def eventbridge_forwards_to_other_regions():
    # A restore in another region is forwarded to the deployment's bus by a rule whose target is that
    # bus (restore_regions). moto re-puts the event as a new one of the receiving region; AWS keeps
    # it as it is (its region is where it happened) and refuses the target without a RoleArn.
    import event_targets
    event_targets.apply_cross_region_bus_targets(require)


@patch("sfn-status-events")
def executions_report_status_changes():
    # AWS Step Functions puts a "Step Functions Execution Status Change" event (source aws.states)
    # on the default bus when an execution starts and ends; moto puts none, so a rule on FAILED /
    # TIMED_OUT / ABORTED (the restore session's cleanup from outside) would never fire here.
    import execution_events
    execution_events.apply_status_events(require)


@patch("sfn-stop-task-token")
def stopping_ends_task_token_waits():
    # StopExecution of an execution waiting for a task token left it RUNNING until the wait's
    # timeout (moto's callback wait ignores the stop); AWS ends it ABORTED at once.
    import execution_events
    execution_events.apply_stop_ends_task_token_waits(require)


@patch("events-lambda-target")
def eventbridge_invokes_functions():
    # moto's EventBridge cannot deliver to a Lambda target (PutEvents fails); EventBridge invokes
    # it asynchronously with the event or its Input/InputTransformer, and Lambda retries twice.
    import execution_events
    execution_events.apply_lambda_targets(require)


def stop_when_stdin_closes(stop):
    # Only a pipe: a terminal or /dev/null as stdin must not stop the server.
    mode = os.fstat(sys.stdin.fileno()).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return

    def watch():
        while sys.stdin.buffer.read1(4096):
            pass
        stop.set()

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--without", default="", help=f"patches to leave out: {','.join(PATCHES)}")
    args = parser.parse_args(argv)

    if moto.__version__ != EXPECTED_MOTO:
        print(f"emulator: warning: written for moto {EXPECTED_MOTO}, found {moto.__version__}",
              file=sys.stderr)
    left_out = {name for name in args.without.split(",") if name}
    unknown = left_out - PATCHES.keys()
    if unknown:
        parser.error(f"unknown patch {sorted(unknown)}; known: {sorted(PATCHES)}")
    for name, apply in PATCHES.items():
        if name not in left_out:
            apply()
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop_when_stdin_closes(stop)

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()  # port 0: the OS picks a free one, no race with other launchers
    port = server.get_host_and_port()[1]
    # moto's Step Functions tasks call http://localhost:$MOTO_PORT, read at call time; nothing can
    # start an execution before this line, since nobody knows the port yet.
    os.environ["MOTO_PORT"] = str(port)
    endpoint = f"http://{args.host}:{port}"
    switch_on_state_machine_execution(endpoint, time.monotonic() + 30)
    print(f"EMULATOR READY {endpoint}", flush=True)

    while not stop.wait(1):
        pass
    server.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    # Running Step Functions executions may wait forever (task tokens); don't wait for them.
    os._exit(0)


if __name__ == "__main__":
    main()
