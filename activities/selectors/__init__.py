"""Reads of the activities app, one module per thing they serve; import the module you use:

- `sessions`: activities, sessions, enrolments, attendance, self-reported time lists and the
  participant's own sessions;
- `time_totals`: counted time summed per participation, activity, day and month (the rule of
  what counts is `activities.hours`);
- `certificates`: the monthly certificates' data, state, overviews and the manager's page
  (what a certificate is: `activities.certificates`);
- `statistics`: the figures the reports show about activities, and the people and sessions
  behind them.
"""
