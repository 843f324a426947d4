"""What the local commands show (``games``, ``log``, ``pending``, ``help``) and the toolbar.

Pure text from the model: the REPL and the script print it, tests read it.
"""

from __future__ import annotations

from broadcaster.console.commands import Show
from broadcaster.console.describe import game_line
from broadcaster.console.helptext import help_text
from broadcaster.console.model import Model, Status
from broadcaster.protocol import GameState

LOG_DEFAULT = 15
LINK_WORDS = {
    "online": "online",
    "connecting": "connecting…",
    "offline": "OFFLINE",
    "refused": "REFUSED",
}


def show(cmd: Show, model: Model, current: str | None, now: float) -> str:
    state = model.state(current) if current else None
    if cmd.topic == "help":
        return help_text(cmd.arg, state, model.sports)
    if cmd.topic == "games":
        return games(model, current, now)
    if cmd.topic == "pending":
        return pending_text(model)
    return log(model, current, cmd.arg)


def games(model: Model, current: str | None, now: float) -> str:
    lines = []
    for game_id in model.game_ids():
        state = model.state(game_id)
        mark = "*" if game_id == current else " "
        line = game_line(state, now) if state is not None else "not known yet"
        lines.append(f"{mark} {game_id}  {line}")
    return "\n".join(lines) or "no games yet: new SPORT LEAGUE HOME AWAY creates one"


def pending_text(model: Model) -> str:
    pending = list(model.queued.values())
    if not pending:
        return "nothing waiting: every event is with the broadcaster"
    lines = [f"{len(pending)} waiting, oldest first:"]
    for entry in pending:
        state = model.state(entry.game_id)
        lines.append(f"  {entry.game_id}: {model.queued_text(entry, state)}")
    return "\n".join(lines)


def log(model: Model, current: str | None, arg: str) -> str:
    """The current game's newest events, numbered in the game (for void, amend, restore)."""
    if current is None:
        return "no current game"
    count = int(arg) if arg.strip().isdigit() else LOG_DEFAULT
    state = model.state(current)
    record = model.games.get(current)
    voided = model.voided(current)
    lines = []
    if record is not None:
        others = bool(model.mine & set(record.events))  # more than one operator may be at it
        for seq in sorted(record.events)[-count:]:
            ev = record.event(seq) or record.events[seq]
            mark = "   (voided)" if seq in voided else ""
            by = f" · by {ev.by}" if ev.by else ""
            if not by and others and seq not in model.mine and ev.kind != "game.create":
                by = " · by another operator"
            what = model.describe(current, ev.kind, ev.data, state)
            lines.append(f"{record.number(seq):>6}  {what}{by}{mark}")
    queued = model.queued_for(current)
    undone = {q.ref for q in queued if q.ref}
    for q in queued:
        mark = "queued, undone" if q.id in undone else "queued"
        lines.append(f"{'…':>6}  {model.queued_text(q, state)}   ({mark})")
    lines = lines[-count:]
    if record is None or not record.loaded:
        lines.insert(0, "(the game's past is not loaded yet; only recent events)")
    return "\n".join(lines) or "no events yet"


def toolbar(
    state: GameState | None,
    current: str | None,
    link: Status,
    pending: int,
    undo: str,
    now: float,
    late: int = 0,
) -> str:
    """``BOS 87–84 LAL · Q3 7:11 ▶ · live │ online │ 2 pending │ undone: event 42 …``."""
    if current is None:
        game = "no game: new … or use GAME"
    elif state is None:
        game = f"{current} (not known yet)"
    else:
        game = game_line(state, now)
    parts = [game, LINK_WORDS[link.state]]
    if link.state in ("refused", "online") and link.detail:  # what to fix; which server
        parts[-1] += f" ({link.detail})"
    if late:
        parts.append(f"⚠ {late} without ✓")
    if pending:
        parts.append(f"{pending} pending")
    if undo:
        parts.append(undo)
    return " │ ".join(parts)
