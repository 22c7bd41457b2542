"""Reminders sent (催报, #12 item 5) as methods of Store (RemindersMixin): who may remind, what was sent to whom.

One row of the reminders table per unit reminded, by e-mail (reminders.send_reminders) or as a message copied from
the page, with its outcome: ok (sent), failed (the mail server refused or could not be reached) or no_address
(none of the unit's reporters has an e-mail address). Each is also an audit entry (action remind).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import insert, select

from catalog import load_catalog
from store.accounts import Actor
from store.cycle import unit_of, within
from store.errors import database_failure as _database_failure
from store.schema import reminders
from store.users import refuse

CHANNEL_EMAIL, CHANNEL_MESSAGE = "email", "message"
OUTCOME_OK, OUTCOME_FAILED, OUTCOME_NO_ADDRESS = "ok", "failed", "no_address"
REMINDER_COLUMNS = ["at", "task_id", "unit", "channel", "recipients", "actor", "outcome"]


@dataclass(frozen=True)
class ReminderRecord:
    """One unit reminded: its adcode, the channel, the addresses written to (comma-separated), the outcome."""

    unit: str
    channel: str
    recipients: str
    outcome: str
    detail: str = ""  # for the audit: why it failed


class RemindersMixin:
    """Reminders: the check before sending, the record after; mixed into store.core.Store."""

    def check_remind(self, actor: Actor, task_id: int, units: list[str], client: str = "") -> None:
        """PermissionRefused (recorded in the audit) unless the actor may manage tasks and every unit (adcode) lies
        within its own."""
        catalog = load_catalog()
        if actor.can("manage_tasks") and all(within(actor, catalog, unit_of(catalog, u)) for u in units):
            return
        self.record(actor, "remind", f"#{task_id}", "refused", client, ",".join(units)[:500])
        raise refuse(actor, "remind.act_remind", task_id=task_id)

    def record_reminders(self, task_id: int, records: list[ReminderRecord], actor: Actor, client: str = "",
                         now: datetime | None = None) -> None:
        """Keep the reminders of a task's units (one row each, and one audit entry each), in one transaction."""
        self.task(task_id)  # StoreError for no such task
        self.check_remind(actor, task_id, [r.unit for r in records], client)
        catalog = load_catalog()
        now = now or datetime.now(timezone.utc)
        with _database_failure("remind.what_reminders", task_id=task_id), self.engine.begin() as conn:
            for item in records:
                conn.execute(insert(reminders).values(task_id=task_id, unit=item.unit, channel=item.channel,
                                                      recipients=item.recipients, actor=actor.name, at=now,
                                                      outcome=item.outcome))
                detail = f"channel={item.channel} to={item.recipients} outcome={item.outcome}"
                self.record(actor, "remind", f"#{task_id} {catalog.regions[item.unit].name}", client=client,
                            outcome="ok" if item.outcome == OUTCOME_OK else "failed",
                            detail=f"{detail} {item.detail}".strip(), conn=conn)

    def reminders_sent(self, task_id: int | None = None) -> pd.DataFrame:
        """The reminders kept (REMINDER_COLUMNS; unit an adcode, at UTC), newest first; of one task when given."""
        query = select(*[reminders.c[name] for name in REMINDER_COLUMNS]).order_by(reminders.c.id.desc())
        if task_id is not None:
            query = query.where(reminders.c.task_id == task_id)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame
