"""Tickets: opening, reading, changing, the thread, escalation, claiming, merging.

Every change goes through one pure workflow (``plan.plan``) and one versioned write
(``write.store``), in one transaction per public call (``write.transact``, which reruns a
transaction the database aborted to break a deadlock). Reading is ``read`` (keyset pages,
counts, the whole of one ticket) and, without SQLAlchemy, ``quick`` (the console's first page).

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.tickets.attachments import NewFile as NewFile
    from deskterm.domain.tickets.attachments import attach_in as attach_in
    from deskterm.domain.tickets.attachments import attachment_data as attachment_data
    from deskterm.domain.tickets.attachments import list_attachments as list_attachments
    from deskterm.domain.tickets.attachments import message_files as message_files
    from deskterm.domain.tickets.batch import BatchResult as BatchResult
    from deskterm.domain.tickets.batch import apply_batch as apply_batch
    from deskterm.domain.tickets.batch import parse_batch as parse_batch
    from deskterm.domain.tickets.batch import run_batch as run_batch
    from deskterm.domain.tickets.breach import Escalation as Escalation
    from deskterm.domain.tickets.breach import TickResult as TickResult
    from deskterm.domain.tickets.breach import escalate_breached as escalate_breached
    from deskterm.domain.tickets.change import Changes as Changes
    from deskterm.domain.tickets.change import act_in as act_in
    from deskterm.domain.tickets.change import add_message as add_message
    from deskterm.domain.tickets.change import assign as assign
    from deskterm.domain.tickets.change import checked as checked
    from deskterm.domain.tickets.change import close as close
    from deskterm.domain.tickets.change import escalate as escalate
    from deskterm.domain.tickets.change import escalation_targets as escalation_targets
    from deskterm.domain.tickets.change import move_queue_in as move_queue_in
    from deskterm.domain.tickets.change import note as note
    from deskterm.domain.tickets.change import reopen as reopen
    from deskterm.domain.tickets.change import reply as reply
    from deskterm.domain.tickets.change import requester_reply_in as requester_reply_in
    from deskterm.domain.tickets.change import update as update
    from deskterm.domain.tickets.claims import link as link
    from deskterm.domain.tickets.claims import merge as merge
    from deskterm.domain.tickets.claims import take as take
    from deskterm.domain.tickets.fields import BY_NAME as BY_NAME
    from deskterm.domain.tickets.fields import FIELDS as FIELDS
    from deskterm.domain.tickets.fields import Field as Field
    from deskterm.domain.tickets.file_names import safe_name as safe_name
    from deskterm.domain.tickets.file_names import size_text as size_text
    from deskterm.domain.tickets.history import describe as describe
    from deskterm.domain.tickets.history import describe_change as describe_change
    from deskterm.domain.tickets.history import messages_by_id as messages_by_id
    from deskterm.domain.tickets.new import NewTicket as NewTicket
    from deskterm.domain.tickets.new import create as create
    from deskterm.domain.tickets.new import create_each_in as create_each_in
    from deskterm.domain.tickets.new import create_in as create_in
    from deskterm.domain.tickets.new import new_ticket as new_ticket
    from deskterm.domain.tickets.outbox import OUTBOX_KINDS as OUTBOX_KINDS
    from deskterm.domain.tickets.outbox import OUTBOX_STATUSES as OUTBOX_STATUSES
    from deskterm.domain.tickets.plan import UNSET as UNSET
    from deskterm.domain.tickets.plan import Unset as Unset
    from deskterm.domain.tickets.plan import tag_diff as tag_diff
    from deskterm.domain.tickets.presence import ACTIVITIES as ACTIVITIES
    from deskterm.domain.tickets.presence import BEAT_SECONDS as BEAT_SECONDS
    from deskterm.domain.tickets.presence import PRESENCE_SECONDS as PRESENCE_SECONDS
    from deskterm.domain.tickets.presence import Presence as Presence
    from deskterm.domain.tickets.presence import beat as beat
    from deskterm.domain.tickets.presence import leave as leave
    from deskterm.domain.tickets.presence import present as present
    from deskterm.domain.tickets.quick import LightDesk as LightDesk
    from deskterm.domain.tickets.quick import first_page as first_page
    from deskterm.domain.tickets.quick_write import message_light as message_light
    from deskterm.domain.tickets.rating import rate as rate
    from deskterm.domain.tickets.rating import rate_in as rate_in
    from deskterm.domain.tickets.read import SORT_NAMES as SORT_NAMES
    from deskterm.domain.tickets.read import count as count
    from deskterm.domain.tickets.read import detail as detail
    from deskterm.domain.tickets.read import get as get
    from deskterm.domain.tickets.read import list_page as list_page
    from deskterm.domain.tickets.read import load_ticket as load_ticket
    from deskterm.domain.tickets.read import matching_ids as matching_ids
    from deskterm.domain.tickets.read import sort_spec as sort_spec
    from deskterm.domain.tickets.read import stream_pages as stream_pages
    from deskterm.domain.tickets.sla_view import sla_timeline as sla_timeline
    from deskterm.domain.tickets.time_spent import MAX_TIME_SPENT as MAX_TIME_SPENT
    from deskterm.domain.tickets.time_spent import parse_time_spent as parse_time_spent
    from deskterm.domain.tickets.time_spent import time_text as time_text
    from deskterm.domain.tickets.triage import RuleOutcome as RuleOutcome
    from deskterm.domain.tickets.triage import RulePreview as RulePreview
    from deskterm.domain.tickets.triage import preview_rule as preview_rule
    from deskterm.domain.tickets.watch import DeskChanges as DeskChanges
    from deskterm.domain.tickets.watch import change_signal as change_signal
    from deskterm.domain.tickets.watch import changes_since as changes_since
    from deskterm.domain.tickets.watch import check_query as check_query
    from deskterm.domain.tickets.watch import events_after as events_after
    from deskterm.domain.tickets.watch import last_event_id as last_event_id
    from deskterm.domain.tickets.workflow import TRANSITIONS as TRANSITIONS
    from deskterm.domain.tickets.workflow import check_status as check_status
    from deskterm.domain.tickets.workflow import ensure_editable as ensure_editable
    from deskterm.domain.tickets.write import Context as Context
    from deskterm.domain.tickets.write import lock as lock
    from deskterm.domain.tickets.write import transact as transact

_SURFACE = Surface(
    __name__,
    {
        "attachments": (
            "NewFile",
            "attach_in",
            "attachment_data",
            "list_attachments",
            "message_files",
        ),
        "file_names": ("safe_name", "size_text"),
        "sla_view": ("sla_timeline",),
        "breach": ("Escalation", "TickResult", "escalate_breached"),
        "triage": ("RuleOutcome", "RulePreview", "preview_rule"),
        "change": (
            "Changes",
            "checked",
            "update",
            "assign",
            "close",
            "reopen",
            "add_message",
            "reply",
            "requester_reply_in",
            "note",
            "escalate",
            "escalation_targets",
            "move_queue_in",
            "act_in",
        ),
        "claims": (
            "take",
            "merge",
            "link",
        ),
        "new": (
            "NewTicket",
            "new_ticket",
            "create",
            "create_in",
            "create_each_in",
        ),
        "plan": (
            "UNSET",
            "Unset",
            "tag_diff",
        ),
        "read": (
            "get",
            "detail",
            "list_page",
            "count",
            "matching_ids",
            "stream_pages",
            "sort_spec",
            "SORT_NAMES",
            "load_ticket",
        ),
        "history": (
            "describe",
            "describe_change",
            "messages_by_id",
        ),
        "workflow": (
            "TRANSITIONS",
            "check_status",
            "ensure_editable",
        ),
        "quick": ("first_page", "LightDesk"),
        "quick_write": ("message_light",),
        "presence": (
            "ACTIVITIES",
            "BEAT_SECONDS",
            "PRESENCE_SECONDS",
            "Presence",
            "beat",
            "leave",
            "present",
        ),
        "rating": ("rate", "rate_in"),
        "outbox": ("OUTBOX_KINDS", "OUTBOX_STATUSES"),
        "time_spent": ("MAX_TIME_SPENT", "parse_time_spent", "time_text"),
        "write": (
            "transact",
            "Context",
            "lock",
        ),
        "fields": (
            "FIELDS",
            "BY_NAME",
            "Field",
        ),
        "batch": (
            "parse_batch",
            "apply_batch",
            "run_batch",
            "BatchResult",
        ),
        "watch": (
            "DeskChanges",
            "change_signal",
            "changes_since",
            "last_event_id",
            "check_query",
            "events_after",
        ),
    },
)
__getattr__ = _SURFACE.getattr
