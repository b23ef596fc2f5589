"""EventBridge targets moto cannot deliver to, added one AWS service at a time.

moto 5.2.1's Rule.send_to_targets raises NotImplementedError for a Step Functions or Lambda target
(PutEvents then fails with 500). `deliver_to(service, deliver)` wraps it: for a matching event,
every target of that service gets the event as EventBridge delivers it (with its "account", the
time as an ISO string) through `deliver(rule, target, event)`, and the other targets go to moto's
own code (or an earlier wrapper) as before. `accept(rule, target)`, when given, narrows "every
target of that service" further.
"""

import datetime


def delivered_event(rule, original_event):
    """The event as EventBridge hands it to a target: moto's delivered event lacks "account"."""
    event = dict(original_event)
    event.setdefault("account", rule.account_id)
    if isinstance(event.get("time"), (int, float)):
        event["time"] = datetime.datetime.fromtimestamp(
            event["time"], datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


def deliver_to(require, service, deliver, accept=None):
    from moto.events import models
    from moto.utilities.arns import parse_arn

    require(models.Rule, "send_to_targets")
    send_to_targets = models.Rule.send_to_targets

    def with_service(self, original_event, transform_input=True):
        if not self.event_pattern.matches_event(original_event):
            return
        mine = [t for t in self.targets if parse_arn(t["Arn"]).service == service and (accept is None or accept(self, t))]
        others = [t for t in self.targets if t not in mine]
        for target in mine:
            deliver(self, target, delivered_event(self, original_event))
        if others:
            targets, self.targets = self.targets, others
            try:
                send_to_targets(self, original_event, transform_input)
            finally:
                self.targets = targets

    models.Rule.send_to_targets = with_service


def apply_cross_region_bus_targets(require):
    """A rule's target may be the event bus of another region (same account), as in AWS.

    moto 5.2.1 re-puts the event on the other bus with PutEvents, so it arrives as a new event of the
    receiving region (new id, time, "region"). EventBridge forwards it as it is: the receiving bus's
    rules see the same id, time, account and region (the one it happened in). AWS refuses such a
    target without a RoleArn (EventBridge assumes the role to call PutEvents on the other bus): so
    does PutTargets here, so a deployment that works here has the role AWS needs.
    """
    from moto.events import models
    from moto.events.exceptions import ValidationException
    from moto.utilities.arns import parse_arn

    require(models.EventsBackend, "put_targets")
    put_targets = models.EventsBackend.put_targets

    def other_region_bus(backend_region, target):
        try:
            arn = parse_arn(target["Arn"])
        except Exception:
            return False
        return arn.service == "events" and arn.resource_type == "event-bus" and arn.region != backend_region

    def put_targets_with_roles(self, name, event_bus_arn, targets):
        for target in targets:
            if other_region_bus(self.region_name, target) and not target.get("RoleArn"):
                raise ValidationException(
                    f"RoleArn is required for target {target['Id']}: the event bus {target['Arn']} is in another "
                    "Region, and EventBridge needs a role allowed events:PutEvents on it.")
        return put_targets(self, name, event_bus_arn, targets)

    models.EventsBackend.put_targets = put_targets_with_roles

    def forward(rule, target, event):
        arn = parse_arn(target["Arn"])
        backend = models.events_backends[arn.account][arn.region]
        bus = backend.event_buses.get(arn.resource_id.split("/")[-1])
        if bus is None:
            return  # AWS drops what it cannot deliver (after retries); nothing to tell the sender
        forwarded = dict(event)
        if isinstance(forwarded.get("time"), str):
            # moto's own targets on the receiving bus expect the epoch seconds its PutEvents writes
            forwarded["time"] = datetime.datetime.strptime(forwarded["time"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
        for receiving in list(bus.rules.values()):
            receiving.send_to_targets(forwarded)

    deliver_to(require, "events", forward, lambda rule, target: other_region_bus(rule.region_name, target))
