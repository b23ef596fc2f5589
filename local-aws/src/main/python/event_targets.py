"""EventBridge targets moto cannot deliver to, added one AWS service at a time.

moto 5.2.1's Rule.send_to_targets raises NotImplementedError for a Step Functions or Lambda target
(PutEvents then fails with 500). `deliver_to(service, deliver)` wraps it: for a matching event,
every target of that service gets the event as EventBridge delivers it (with its "account", the
time as an ISO string) through `deliver(rule, target, event)`, and the other targets go to moto's
own code (or an earlier wrapper) as before.
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


def deliver_to(require, service, deliver):
    from moto.events import models
    from moto.utilities.arns import parse_arn

    require(models.Rule, "send_to_targets")
    send_to_targets = models.Rule.send_to_targets

    def with_service(self, original_event, transform_input=True):
        if not self.event_pattern.matches_event(original_event):
            return
        mine = [t for t in self.targets if parse_arn(t["Arn"]).service == service]
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
