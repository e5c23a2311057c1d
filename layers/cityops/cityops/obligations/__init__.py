"""Deadlines across every system (đôn đốc, nhắc việc): the sweep that finds what is due, the
notices it sends (mail, SMS, the in-app inbox) and every unit's on-time record.

- `kinds`: the settings of each obligation kind (horizon, escalation, urgency), as data;
- `levels`: which notice an obligation calls for today (pure; the calendar decides);
- `recipients`: who is told, from the responsible unit, its leaders, the escalation chain's
  leaders and the assigner only;
- `sweep`: reads the open obligations that are due through the sparse `OpenByDue` index and
  puts `Obligation*` events on the bus;
- `notices`: the notifier's use case: one notice per obligation, level, recipient and day,
  whatever the sweeps do, then mail (SES), SMS (SNS) and the inbox;
- `inbox`, `store`, `models`: the inbox and notification settings over HTTP;
- `scoreboard`: the on-time record per unit and system, read from counters.

Works for any obligation kind: nothing here knows a system's entities.
"""
