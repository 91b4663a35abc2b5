"""Signals of the participants app, for apps above it (which it may not import).

`dates_changed`: participations' start or end dates were written in bulk, past their
post_save (an import's changes, the end of everyone missing from a file), with `ids` the
participations. What counts of their time depends on those dates: activities.monthly
rewrites its rows for them."""

from __future__ import annotations

from django.dispatch import Signal

dates_changed = Signal()
