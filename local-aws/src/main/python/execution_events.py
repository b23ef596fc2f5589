"""Step Functions execution status change events and EventBridge Lambda targets for the local AWS.

AWS Step Functions sends a "Step Functions Execution Status Change" event (source aws.states) to the
default event bus of the account and region whenever a Standard workflow execution changes status
(RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED); moto sends none, so a rule on them never fires.
EventBridge invokes a Lambda target asynchronously with the event (or the target's Input /
InputTransformer result), and Lambda retries a failed asynchronous invocation twice; moto 5.2.1 has
no Lambda target (PutEvents fails with NotImplementedError).
"""
import datetime
import json
import logging
import threading
import time
import uuid

LOG = logging.getLogger("emulator.execution_events")


def _epoch_millis(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    return int(float(value) * 1000)


def _json_text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def status_change_detail(execution, status):
    """The event's detail, with AWS's field names: dates in epoch milliseconds, input/output as JSON text."""
    succeeded = status == "SUCCEEDED"
    return {
        "executionArn": execution.exec_arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": status,
        "startDate": _epoch_millis(execution.start_date),
        "stopDate": None if status == "RUNNING" else _epoch_millis(execution.stop_date),
        "input": _json_text(execution.input_data),
        "output": _json_text(execution.output) if succeeded else None,
        "inputDetails": {"included": True},
        "outputDetails": {"included": True} if succeeded else None,
        "error": getattr(execution, "error", None),
        "cause": getattr(execution, "cause", None),
    }


def apply_status_events(require):
    from moto.events.models import events_backends
    from moto.stepfunctions.parser.backend import execution as executions

    require(executions.BaseExecutionWorkerCommunication, "terminated")
    require(executions.Execution, "start")
    terminated = executions.BaseExecutionWorkerCommunication.terminated
    start = executions.Execution.start

    def emit(execution, status):
        try:
            events_backends[execution.account_id][execution.region_name].put_events([{
                "Source": "aws.states",
                "DetailType": "Step Functions Execution Status Change",
                "Detail": json.dumps(status_change_detail(execution, status)),
                "Resources": [execution.exec_arn],
                "EventBusName": "default",
            }])
        except Exception:  # best effort, as AWS documents for these events
            LOG.exception("status change event of %s (%s) not delivered", execution.exec_arn, status)

    def terminated_and_told(self):
        terminated(self)
        status = self.execution.exec_status
        emit(self.execution, getattr(status, "value", str(status)))

    def start_and_told(self):
        start(self)
        emit(self, "RUNNING")

    executions.BaseExecutionWorkerCommunication.terminated = terminated_and_told
    executions.Execution.start = start_and_told


def apply_lambda_targets(require):
    import event_targets
    from moto.awslambda.models import lambda_backends
    from moto.events.utils import EventTemplateParser
    from moto.utilities.arns import parse_arn

    def payload(target, event):
        if target.get("Input"):
            return json.loads(target["Input"])
        transformer = target.get("InputTransformer")
        if transformer:
            return EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                             input_paths_map=transformer.get("InputPathsMap", {}), event=event)
        return event

    def invoke_async(account, region, function, body):
        backend = lambda_backends[account][region]
        for attempt in range(3):  # the first call and Lambda's two retries of an asynchronous invocation
            try:
                headers = {"X-Amz-Invocation-Type": "Event"}
                response_headers = {}
                backend.invoke(function, None, body, headers, response_headers)
                if not response_headers.get("x-amz-function-error"):
                    return
                LOG.warning("EventBridge target %s: function error (attempt %d)", function, attempt + 1)
            except Exception:
                LOG.exception("EventBridge target %s: invoke failed (attempt %d)", function, attempt + 1)
            time.sleep(1 + attempt)

    def invoke(rule, target, event):
        arn = parse_arn(target["Arn"])
        body = json.dumps(payload(target, event))
        function = target["Arn"].split(":function:")[1].split(":")[0]
        threading.Thread(target=invoke_async, args=(arn.account, arn.region, function, body),
                         name=f"events-lambda-{uuid.uuid4()}", daemon=True).start()

    event_targets.deliver_to(require, "lambda", invoke)


def apply_stop_ends_task_token_waits(require):
    """StopExecution ends an execution at once in AWS, also one waiting for a task token. moto's
    waitForTaskToken task keeps waiting for the token (up to its timeout) after StopExecution, so the
    execution stays RUNNING and its status change event comes late or never: stopping interrupts the
    execution's waits for a task token."""
    from moto.stepfunctions.parser.backend import execution as executions

    require(executions.Execution, "stop")
    require(executions.BaseExecutionWorkerCommunication, "_reflect_execution_status")
    stop = executions.Execution.stop
    reflect = executions.BaseExecutionWorkerCommunication._reflect_execution_status

    def reflect_stop_first(self):
        reflect(self)
        stopped = getattr(self.execution, "rcdc_stopped", None)
        if stopped is not None:
            # The interrupted wait fails the task afterwards; the stop came first and decides, as in AWS.
            self.execution.exec_status = executions.ExecutionStatus.ABORTED
            self.execution.error, self.execution.cause = stopped

    executions.BaseExecutionWorkerCommunication._reflect_execution_status = reflect_stop_first

    def stop_and_interrupt(self, stop_date, error, cause):
        if self.exec_status == executions.ExecutionStatus.RUNNING:
            self.rcdc_stopped = (error or None, cause or None)
        stop(self, stop_date, error, cause)
        env = getattr(self.exec_worker, "env", None) if self.exec_worker else None
        pool = getattr(getattr(env, "callback_pool_manager", None), "_pool", None)
        for endpoint in list((pool or {}).values()):
            endpoint.interrupt_all()

    executions.Execution.stop = stop_and_interrupt

    # StopExecution's error and cause: moto drops them (DescribeExecution and the status change event
    # show none); AWS records them.
    from moto.stepfunctions import models, responses
    require(responses.StepFunctionResponse, "stop_execution")
    require(models.StateMachine, "stop_execution")
    state_machine_stop = models.StateMachine.stop_execution
    stopping = threading.local()

    def stop_with_reason(self, execution_arn):
        error, cause = getattr(stopping, "reason", (None, None))
        if error is None and cause is None:
            return state_machine_stop(self, execution_arn)
        execution = next((x for x in self.executions if x.execution_arn == execution_arn), None)
        if execution is None:
            return state_machine_stop(self, execution_arn)
        execution.stop(stop_date=datetime.datetime.now(tz=datetime.timezone.utc), error=error, cause=cause)
        return execution

    models.StateMachine.stop_execution = stop_with_reason
    handler_stop = responses.StepFunctionResponse.stop_execution

    def stop_execution_response(self):
        stopping.reason = (self._get_param("error"), self._get_param("cause"))
        try:
            return handler_stop(self)
        finally:
            stopping.reason = (None, None)

    responses.StepFunctionResponse.stop_execution = stop_execution_response
