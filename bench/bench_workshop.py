"""Load of a remote workshop: many respondents answering one assessment at once through their links.

Run by hand: `.venv/bin/python bench/bench_workshop.py [--respondents 30] [--backend both] [--think 0]
[--replicas 1] [--sections a,b|all] [--app-root DIR] [--profile FILE]`: `--think S` pauses a random 0 to
2S seconds (S on average) before each answer, as a person reading the question; `--replicas N` runs N
app servers on the one database behind nginx's shipped configuration; `--app-root` runs another
checkout's app (a `git worktree` of the baseline commit) with the same clients, for a before-and-after
in one run; `--profile` samples the server with py-spy while the respondents answer together. A
3-respondent version runs in CI (tests/test_workshop_load.py), with the same code.

How it drives the app, and why: a real `streamlit run app.py` server is started (a separate process,
on loopback), and each respondent is a WebSocket client speaking Streamlit's own protocol to it, the
messages a browser would send: open `/respond?invite=<token>`, then one rerun per answer carrying the
radio's or tick box's new value, "Next" at the end of each section, then "Submit" on the review. All
clients run in one asyncio loop in this process. This rather than one AppTest session per respondent
in threads, because AppTest runs the page in the measuring process itself: its CPU and memory would be
mixed with the clients', every run swaps process-wide globals (Streamlit's Runtime instance, config
options), and it has no real server sessions, sockets or message cache to weigh. Here the server is
its own process, so its CPU seconds (/proc/<pid>/stat) and resident memory (VmRSS) are its alone, the
sessions are the ones a browser would get, and the page's code, callbacks and store calls are the
app's, unchanged. What is left out is the browser's own work (drawing), which bench/bench_browser.py
measures; and the respondent's page is asked only for what a person would do, so this needs no
knowledge of the page beyond the widget keys (question ids, `rs_next`, `rs_submit`).

The scenario, per backend (a throwaway PostgreSQL server, and a SQLite file in WAL mode):

- one assessment, N+2 respondents invited, each asked the same sections (`--sections`: by default the
  first three of ten, about 20 questions shown; `all` for every one);
- a warm-up respondent answers alone (the server's first session pays one-time imports), then the
  baseline respondent answers alone: the figures are compared with it, measured in the same run;
- then N respondents open their links together, wait until all are open, and answer together, each
  giving a seeded random answer to every question shown, in page order, and then submitting;
- to make conflicts happen, the consultant changes one answer of every 5th respondent while their
  page is open (through the store, as the workshop page does). That respondent's next save must be
  refused with a message on the page ("changed elsewhere"), the page must show the consultant's
  answer, and the respondent gives the refused answer again, as a person would.

What is checked and reported:

- lost answers: at the end, every respondent's stored answers are compared with what they gave (and
  the consultant's change): a value missing or different is lost; a stored answer nobody gave counts
  too. Target 0.
- refused saves: a run whose page shows a warning or error after an answer. Each is surfaced by
  definition; a refusal without a message would leave an answer the respondent believes saved
  unsaved, which the comparison counts as lost (a silent conflict). Conflicts surfaced are compared
  with the consultant's changes: one each.
- crashes: an exception drawn on any page.
- server time per saved answer: from sending the answer until the server says the script run
  finished (loopback; the page's whole rerun, store write included), p50 and p95.
- server CPU seconds per respondent: the server process's user+system CPU over the phase, divided by
  the respondents; PostgreSQL's own CPU too (the postmaster and its backends). Server CPU per saved
  answer: the same over the answers saved (so opening the link, Next and Submit are counted in it).
  With replicas, the sum over them. CPU seconds do not depend on what else the machine runs; times do.
- resident memory per session: the server's VmRSS with the sessions open (after answering) minus
  before they connected, divided by the sessions. Python rarely returns freed memory, so this is an
  upper estimate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

import websockets  # noqa: E402
from browsing import running_server  # noqa: E402 - the browser tests' own server
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from questions.model import UNKNOWN  # noqa: E402
from scoring.loader import default_law  # noqa: E402
from store import repo  # noqa: E402
from store.db import make_engine, upgrade  # noqa: E402

LAW_AS_OF = dt.date(2026, 11, 29)
CONFLICT_WORDS = "changed elsewhere"  # in the respondent page's conflict message (assets/locale/respondent.yaml)
# Each respondent is asked three of the ten sections (about 20 questions shown): a workshop shares the
# questionnaire out, and 30 people on all 70 questions would keep two shared cores busy for a long time.
DEFAULT_SECTIONS = ("profile", "data", "sourcing")
EVERY_NTH_CHANGED = 5  # the consultant changes one answer of respondents 0, 5, 10, ...
CHANGE_AFTER = 3  # ... once they have saved this many answers
RUN_TIMEOUT = 300.0  # seconds for one script run: 30 sessions share two cores
RETRIES = 5  # a refused answer is given again at most this many times
WARNING, ERROR = 2, 1  # Alert.Format
EARLY_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus


# -- the server ------------------------------------------------------------------------------------------


def proc_cpu(pid: int, children: bool = False) -> float:
    """User+system CPU seconds of a process (with its reaped children's if `children`), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def proc_rss(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def tree_cpu(root: int) -> float:
    """CPU seconds of a process, its reaped children and its live children (PostgreSQL's postmaster and backends)."""
    total = proc_cpu(root, children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == root:
                    total += proc_cpu(int(entry.name))
            except (OSError, ValueError):
                continue  # gone meanwhile
    return total


@dataclass
class Servers:
    """The app under load: the address respondents connect to, and each replica's own address and pid."""

    address: str
    direct: list[str]
    pids: list[int]

    def cpu(self) -> float:
        return sum(proc_cpu(pid) for pid in self.pids)

    def rss(self) -> int:
        return sum(proc_rss(pid) for pid in self.pids)


def stream(url: str) -> str:
    return url.replace("http://", "ws://") + "/_stcore/stream"


@contextmanager
def app_servers(database_url: str, root: Path = ROOT, replicas: int = 1) -> Iterator[Servers]:
    """`streamlit run app.py` of the checkout `root` on free loopback ports with the workspace database
    `database_url` (the browser tests' own server, tests/e2e/browsing.py). With several replicas, nginx
    runs the shipped configuration (deploy/nginx/pirisk.conf, through tests/replicas/harness.py) in front
    of them, and respondents connect through it: a WebSocket without the affinity cookie lands on a
    replica by the hash of the cookie nginx sets, so they spread as a room of new browsers would."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("PIRISK_WORKSPACE_PASSWORD_HASH", None)  # the respondent page needs none
    with ExitStack() as stack:
        urls, pids = [], []
        for _ in range(replicas):
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url, pid = stack.enter_context(running_server(folder, env, start_seconds=120, root=root))
            urls.append(url)
            pids.append(pid)
        if replicas == 1:
            yield Servers(stream(urls[0]), [stream(urls[0])], pids)
            return
        from tests.replicas.harness import running_nginx

        nginx = stack.enter_context(running_nginx([u.removeprefix("http://") for u in urls]))
        yield Servers(stream(nginx.url), [stream(u) for u in urls], pids)


@contextmanager
def profiled(pid: int, output: Path | None) -> Iterator[None]:
    """Sample the server's Python stacks with py-spy while the block runs (nothing if `output` is None),
    into `output` as collapsed stacks; `--nonblocking` so that sampling does not pause the server."""
    if output is None:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "--pid", str(pid), "--format", "raw", "--output", str(output), "--rate", "100"]
    proc = subprocess.Popen([*command, "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def profile_top(collapsed: Path, count: int = 25) -> dict[str, list[tuple[str, float]]]:
    """The functions most often on the stack ("total", share of samples) and at its top ("own"), from
    py-spy's collapsed stacks; only samples in the script thread that runs the page are counted."""
    total: dict[str, int] = {}
    own: dict[str, int] = {}
    samples = 0
    for line in collapsed.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [f.rsplit(":", 1)[0] + ")" if ":" in f else f for f in stack.split(";")]
        if not any("exec_func_with_error_handling" in f or "_run_script" in f for f in frames):
            continue  # the server's event loop, idle threads
        samples += int(n)
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + int(n)
        own[frames[-1]] = own.get(frames[-1], 0) + int(n)

    def top(counts: dict[str, int]) -> list[tuple[str, float]]:
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:count]
        return [(name, round(100 * n / max(samples, 1), 1)) for name, n in ranked]

    return {"samples_in_script_runs": [("", samples)], "total": top(total), "own": top(own)}  # type: ignore[list-item]


# -- one respondent, as a browser would drive the page -------------------------------------------------


@dataclass
class Page:
    """What one script run drew: widgets by key (their id and proto), alerts, exceptions."""

    ids: dict[str, str] = field(default_factory=dict)
    protos: dict[str, Any] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # widget keys in page order
    alerts: list[tuple[int, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def refusals(self) -> list[str]:
        return [body for kind, body in self.alerts if kind in (WARNING, ERROR)]


class Browser:
    """One session on the server, speaking Streamlit's WebSocket protocol as the browser does."""

    def __init__(self, ws: Any, query: str) -> None:
        self.ws, self.query, self.page_hash = ws, query, ""
        self.fragment_of: dict[str, str] = {}  # widget id -> the fragment that drew it (Delta.fragment_id)

    async def run(self, states: list[WidgetState] | None = None) -> Page:
        """One script run for these widget states: as the browser does, a widget drawn by a fragment
        (st.fragment) asks for a rerun of that fragment only, and the page then receives only its elements."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.widget_states.widgets.extend(states or [])
        fragments = {self.fragment_of.get(s.id, "") for s in states or []}
        if len(fragments) == 1:
            msg.rerun_script.fragment_id = fragments.pop()
        await self.ws.send(msg.SerializeToString())
        page = Page()
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT))
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                name = element.WhichOneof("type")
                proto = getattr(element, name)
                if name == "alert":
                    page.alerts.append((proto.format, proto.body))
                elif name == "exception":
                    page.exceptions.append(f"{proto.type}: {proto.message}")
                elif name in ("radio", "checkbox", "button", "selectbox") and proto.id.count("-") >= 2:
                    key = proto.id.split("-", 2)[2]
                    page.ids[key], page.protos[key] = proto.id, proto
                    self.fragment_of[proto.id] = fm.delta.fragment_id
                    page.order.append(key)
            elif kind == "script_finished" and fm.script_finished != EARLY_FOR_RERUN:
                return page


@dataclass
class Respondent:
    """One respondent's run: what they gave, what they saw, how long each save took."""

    index: int
    target: repo.Respondent
    token: str
    given: dict[str, Any] = field(default_factory=dict)  # what the store must hold at the end
    save_times: list[float] = field(default_factory=list)  # answers the page took without a refusal
    refused: list[str] = field(default_factory=list)  # the messages shown for refused saves
    conflicts: int = 0  # of those, "changed elsewhere"
    changed_by_consultant: int = 0
    changed_question: str | None = None
    stale_after_conflict: int = 0  # the page did not show the consultant's answer after a conflict
    exceptions: list[str] = field(default_factory=list)
    error: str = ""
    submitted: bool = False


def options_of(q: Any) -> list[Any]:
    """A single question's radio options, as the page offers them (ui/widgets.py)."""
    options: list[Any] = [True, False] if q.type == "yes_no" else [c.id for c in q.choices]
    return [*options, UNKNOWN] if q.unknown else options


def shown_value(q: Any, page: Page) -> Any:
    """The answer a question's radio shows (None for none, or for a multi question)."""
    proto = page.protos.get(q.id)
    if proto is None or q.type == "multi":
        return None
    index = proto.raw_value if proto.HasField("raw_value") else None
    if isinstance(index, str):
        return options_of(q)[list(proto.options).index(index)] if index in proto.options else None
    return options_of(q)[proto.default] if proto.HasField("default") else None


def choose(q: Any, rng: random.Random, page: Page) -> tuple[Any, list[WidgetState]]:
    """A random answer to question `q` and the widget states that give it (a radio option, or one tick)."""
    state = WidgetState()
    if q.type == "multi":
        choice = rng.choice([c.id for c in q.choices])
        state.id = page.ids[f"{q.id}__{choice}"]
        state.bool_value = True
        return [choice], [state]
    options = options_of(q)
    labels = list(page.protos[q.id].options)
    if len(labels) != len(options):
        raise RuntimeError(f"{q.id}: the page offers {len(labels)} options, the bank {len(options)}")
    i = rng.randrange(len(options))
    state.id = page.ids[q.id]
    state.string_value = labels[i]
    return options[i], [state]


def click(page: Page, key: str) -> list[WidgetState]:
    state = WidgetState()
    state.id = page.ids[key]
    state.trigger_value = True
    return [state]


def consultant_changes(engine: Any, r: Respondent, rng: random.Random) -> None:
    """The consultant sets a different answer to one of `r`'s answered single-choice questions."""
    law = default_law()
    qid = next(q for q in r.given if law.bank.questions[q].type != "multi")
    q = law.bank.questions[qid]
    value = rng.choice([v for v in options_of(q) if v != r.given[qid]])
    for _ in range(RETRIES):  # the respondent may save between the read and the write
        try:
            version = repo.get_respondent(engine, r.target.id).version
            repo.set_respondent_answer(engine, r.target, qid, value, expected_version=version)
            break
        except repo.RespondentConflict:
            continue
    else:
        raise RuntimeError("the consultant's change kept conflicting")
    r.given[qid] = value
    r.changed_by_consultant += 1
    r.changed_question = qid


async def respond(
    address: str, r: Respondent, engine: Any, seed: int, ready: asyncio.Event | None, opened: list[int], think: float
) -> Respondent:
    """Open the link, answer every question shown with a seeded random answer, section by section, submit."""
    law = default_law()
    rng = random.Random(seed * 1000 + r.index)
    try:
        async with websockets.connect(address, max_size=None, open_timeout=RUN_TIMEOUT) as ws:
            browser = Browser(ws, f"invite={r.token}")
            page = await browser.run()
            opened.append(r.index)
            if ready is not None:
                await ready.wait()
            attempts = 0
            pending_check: str | None = None  # a question the consultant changed: shown as changed after the conflict?
            while True:
                r.exceptions += page.exceptions
                if page.exceptions:
                    return r
                if pending_check is not None and pending_check in page.protos:
                    if shown_value(law.bank.questions[pending_check], page) != r.given[pending_check]:
                        r.stale_after_conflict += 1
                    pending_check = None
                keys = [k for k in page.order if k in law.bank.questions or k.split("__")[0] in law.bank.questions]
                todo = [law.bank.questions[k.split("__")[0]] for k in keys if k.split("__")[0] not in r.given]
                if todo:
                    q = todo[0]
                    value, states = choose(q, rng, page)
                    if think:
                        await asyncio.sleep(rng.uniform(0, 2 * think))
                    start = time.perf_counter()
                    page = await browser.run(states)
                    elapsed = time.perf_counter() - start
                    if page.refusals():
                        r.refused += page.refusals()
                        conflict = any(CONFLICT_WORDS in m for m in page.refusals())
                        r.conflicts += conflict
                        if conflict and r.changed_question:
                            pending_check = r.changed_question  # checked on this page, or when next shown
                        attempts += 1
                        if attempts > RETRIES:
                            raise RuntimeError(f"{q.id}: refused {attempts} times: {page.refusals()[-1]}")
                        continue  # the page shows what is saved; the same answer is given again
                    attempts = 0
                    r.given[q.id] = value
                    r.save_times.append(elapsed)
                    if r.index % EVERY_NTH_CHANGED == 0 and len(r.save_times) == CHANGE_AFTER and not r.changed_by_consultant:
                        await asyncio.to_thread(consultant_changes, engine, r, rng)
                elif "rs_next" in page.ids:
                    page = await browser.run(click(page, "rs_next"))
                elif "rs_submit" in page.ids:
                    page = await browser.run(click(page, "rs_submit"))
                    r.exceptions += page.exceptions
                    r.submitted = "rs_reopen" in page.ids
                    return r
                else:
                    raise RuntimeError(f"nothing left to do on the page: {page.order} {page.alerts}")
    except Exception as err:  # any failure of a respondent is counted and reported
        r.error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    return r


# -- the scenario, per backend -------------------------------------------------------------------------


def lost_answers(given: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The questions whose stored answer is not what was given (missing, different, or never given)."""
    return sorted(q for q in given.keys() | stored.keys() if given.get(q) != stored.get(q))


@dataclass
class Phase:
    respondents: list[Respondent]
    wall_s: float
    server_cpu_s: float
    db_cpu_s: float | None
    rss_before: int
    rss_opened: int
    rss_after: int
    lost: dict[int, list[str]]
    unsubmitted_in_store: int

    def summary(self) -> dict[str, Any]:
        n = len(self.respondents)
        times = sorted(t for r in self.respondents for t in r.save_times)
        refused = [m for r in self.respondents for m in r.refused]
        return {
            "respondents": n,
            "errors": [f"{r.index}: {r.error}" for r in self.respondents if r.error],
            "exceptions": sorted({e for r in self.respondents for e in r.exceptions}),
            "not_submitted": sum(not r.submitted for r in self.respondents),  # as the page says
            "not_submitted_in_store": self.unsubmitted_in_store,
            "answers_given": sum(len(r.given) for r in self.respondents),
            "lost_answers": sum(len(v) for v in self.lost.values()),
            "lost_detail": {str(k): v for k, v in self.lost.items() if v},
            "saves": len(times),
            "refused_saves": len(refused),
            "conflicts_surfaced": sum(r.conflicts for r in self.respondents),
            "consultant_changes": sum(r.changed_by_consultant for r in self.respondents),
            "stale_after_conflict": sum(r.stale_after_conflict for r in self.respondents),
            "other_refusals": sorted({m for m in refused if CONFLICT_WORDS not in m}),
            "save_p50_ms": round(1000 * statistics.median(times), 1) if times else None,
            "save_p95_ms": round(1000 * percentile(times, 0.95), 1) if times else None,
            "save_max_ms": round(1000 * times[-1], 1) if times else None,
            "wall_s": round(self.wall_s, 1),
            "server_cpu_s_per_respondent": round(self.server_cpu_s / n, 2),
            # Everything the server did in the phase (opening the links, Next, Submit too) over the answers saved.
            "server_cpu_ms_per_answer": round(1000 * self.server_cpu_s / len(times)) if times else None,
            "db_cpu_s_per_respondent": None if self.db_cpu_s is None else round(self.db_cpu_s / n, 2),
            "rss_mib_before": round(self.rss_before / 2**20, 1),
            "rss_kib_per_session_opened": round((self.rss_opened - self.rss_before) / n / 1024),
            "rss_kib_per_session_answered": round((self.rss_after - self.rss_before) / n / 1024),
        }


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def seed_workshop(engine: Any, count: int, sections: list[str] | None) -> list[Respondent]:
    client = repo.create_client(engine, "Load Test Ltd")
    saved = repo.create_assessment(engine, client.id, "Workshop load", LAW_AS_OF, "en")
    out = []
    for i in range(count):
        invited = repo.invite(engine, saved, f"Respondent {i:02d}", "Staff", sections, author="Consultant")
        out.append(Respondent(i, invited.respondent, invited.token))
    return out


def run_phase(
    address: str,
    servers: Servers,
    engine: Any,
    respondents: list[Respondent],
    seed: int,
    think: float,
    deadline: float,
    db_pid: int | None,
) -> Phase:
    """Run `respondents` at once (all links opened first, then all answer together) and measure the server."""

    async def main() -> tuple[list[Respondent], int]:
        ready, opened = asyncio.Event(), []
        tasks = [asyncio.create_task(respond(address, r, engine, seed, ready, opened, think)) for r in respondents]
        while len(opened) + sum(t.done() for t in tasks) < len(respondents):
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # let the sessions settle before weighing them
        rss_opened = servers.rss()
        ready.set()
        return list(await asyncio.wait_for(asyncio.gather(*tasks), deadline)), rss_opened

    rss_before = servers.rss()
    cpu, db_cpu, start = servers.cpu(), tree_cpu(db_pid) if db_pid else None, time.perf_counter()
    # In a thread of its own: a caller may already run an event loop in this one (pytest-playwright's does,
    # when the browser tests ran first in the same session), and asyncio.run refuses to nest.
    with ThreadPoolExecutor(1) as pool:
        done, rss_opened = pool.submit(lambda: asyncio.run(main())).result()
    wall = time.perf_counter() - start
    cpu, db_cpu = servers.cpu() - cpu, (tree_cpu(db_pid) - db_cpu) if db_pid and db_cpu is not None else None
    rss_after = max(rss_opened, servers.rss())  # measured after the sockets closed: the sessions are still held
    lost = {r.index: lost_answers(r.given, repo.respondent_answers(engine, r.target.id)) for r in done}
    unsubmitted = sum(repo.get_respondent(engine, r.target.id).submitted_at is None for r in done)
    return Phase(done, wall, cpu, db_cpu, rss_before, rss_opened, rss_after, lost, unsubmitted)


def run_backend(
    database_url: str,
    respondents: int,
    *,
    sections: list[str] | None = None,
    seed: int = 1,
    think: float = 0.0,
    deadline: float = 1800.0,
    baseline: bool = True,
    db_pid: int | None = None,
    root: Path = ROOT,
    profile: Path | None = None,
    replicas: int = 1,
) -> dict[str, Any]:
    """The whole scenario on one (migrated, empty) database: warm-up and baseline alone, then `respondents` at once."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        extra = replicas + (1 if baseline else 0)
        everyone = seed_workshop(engine, respondents + extra, sections)
        warmups, alone, crowd = everyone[:replicas], everyone[replicas:extra], everyone[extra:]
        for i, r in enumerate(crowd):
            r.index = i
        for r in (*warmups, *alone):
            r.index = -1  # never changed by the consultant
        out: dict[str, Any] = {}
        with app_servers(database_url, root, replicas) as servers:
            for warmup, direct in zip(warmups, servers.direct, strict=True):  # each replica's first session
                run_phase(direct, servers, engine, [warmup], seed + 7, 0.0, deadline, None)
            if alone:
                out["alone"] = run_phase(servers.address, servers, engine, alone, seed + 11, think, deadline, db_pid).summary()
            with profiled(servers.pids[0], profile):
                out["together"] = run_phase(servers.address, servers, engine, crowd, seed, think, deadline, db_pid).summary()
        if profile is not None:
            out["profile"] = profile_top(profile)
        return out
    finally:
        engine.dispose()


def problems(summary: dict[str, Any]) -> list[str]:
    """What must not happen, from one phase's summary: errors, crashes, lost answers, silent or missing conflicts."""
    out = []
    if summary["errors"]:
        out.append(f"respondents failed: {summary['errors']}")
    if summary["exceptions"]:
        out.append(f"the page raised: {summary['exceptions']}")
    if summary["lost_answers"]:
        out.append(f"{summary['lost_answers']} answers lost: {summary['lost_detail']}")
    if summary["not_submitted"] or summary["not_submitted_in_store"]:
        out.append(
            f"not submitted: {summary['not_submitted']} as the page says, {summary['not_submitted_in_store']} in the store"
        )
    if summary["conflicts_surfaced"] != summary["consultant_changes"]:
        out.append(f"{summary['consultant_changes']} consultant changes but {summary['conflicts_surfaced']} conflicts surfaced")
    if summary["stale_after_conflict"]:
        out.append(f"{summary['stale_after_conflict']} pages did not show what is saved after a conflict")
    return out


# -- the throwaway PostgreSQL server -------------------------------------------------------------------


@contextmanager
def postgres() -> Iterator[tuple[str, int]]:
    """A throwaway PostgreSQL server (tests/store/conftest.py's recipe) with an empty database: (URL, postmaster pid)."""
    from tests.store.conftest import PostgresServer, _pg_bindir

    bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        raise SystemExit("PostgreSQL's binaries were not found (apt-get install postgresql, or set PIRISK_PG_BIN)")
    server = PostgresServer(bindir)
    try:
        server.start()
        url = server.create_database("workshop")
        pid = int((server.dir / "data" / "postmaster.pid").read_text().split()[0])
        yield url, pid
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=30, help="respondents answering at once (default 30)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--sections",
        default=",".join(DEFAULT_SECTIONS),
        help=f"comma-separated section ids each respondent is asked, or 'all' (default {','.join(DEFAULT_SECTIONS)})",
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a respondent waits before each answer (default 0: at once)"
    )
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="run the app of this checkout (e.g. a `git worktree` of the baseline commit; default: this one)",
    )
    parser.add_argument("--profile", type=Path, help="sample the server with py-spy while the respondents answer together")
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="app replicas on the same database, behind nginx's shipped configuration when more than one (default 1)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--deadline", type=float, default=1800.0, help="give up on a phase after this many seconds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    sections = None if args.sections == "all" else args.sections.split(",")
    results: dict[str, Any] = {
        "machine": f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores",
        "load_average_at_start": os.getloadavg(),
        "respondents": args.respondents,
        "sections": sections or "all",
        "think_s": args.think,
        "app": str(args.app_root),
        "replicas": args.replicas,
    }
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        start = time.perf_counter()
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="pirisk-workshop-") as tmp:
                results[backend] = run_backend(
                    f"sqlite:///{tmp}/pirisk.db", args.respondents, sections=sections, seed=args.seed, think=args.think,
                    deadline=args.deadline, root=args.app_root, profile=args.profile, replicas=args.replicas,
                )  # fmt: skip
        else:
            with postgres() as (url, pg_pid):
                results[backend] = run_backend(
                    url, args.respondents, sections=sections, seed=args.seed, think=args.think, deadline=args.deadline,
                    db_pid=pg_pid, root=args.app_root, profile=args.profile, replicas=args.replicas,
                )  # fmt: skip
        results[backend]["bench_s"] = round(time.perf_counter() - start, 1)
        results[backend]["load_average_after"] = os.getloadavg()
    failed = [f"{b} {phase}: {p}" for b in backends for phase in ("alone", "together") for p in problems(results[b][phase])]
    print(json.dumps(results, indent=2))
    if not args.json:
        print("\n".join(failed) or "no lost answers, no crash, every conflict surfaced", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
