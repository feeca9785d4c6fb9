"""Load: browser tabs training, uploading and browsing on one server for minutes, measured.

Click-to-answer times, trainings, the run store, the server's memory and its worker processes.

Starts ``streamlit run app.py`` (``load_server.py``: its own process group, ``LSTM_APP_HOME`` a
fresh temporary folder) and one headless Chromium with one context per session, driven by asyncio tasks
(``load_sessions.py`` says what trainers and visitors do). When the minutes are up, no session
starts anything new; trainings under way are waited for. Then it reports:

- per action: count, errors, p50 / p95 / max seconds from the click (or address) to the page
  being idle again, and the same over every action but trainings ("click to answer");
- trainings started and finished, and the store check: every training a tab saw finish is in the
  store, finished, with its weights, and reopens (scored again from its files); runs by status;
- the server's resident memory (the server and all its child processes, from /proc) after the
  first page load and at the end (target: growth ≤ 200 MB); between them, once every session
  has ended its first round (each page's modules imported: growth after that is not warm-up),
  the peak of a sample every 15 s, and again after the tabs closed;
- the training workers (children of the server's forkserver) left once the tabs are closed;
- tracebacks in the server's log, but for Streamlit's own websocket noise. A failed action
  leaves a screenshot of its tab beside the server's log.

Needs Debian's Chromium at /usr/bin/chromium and Playwright (the test requirements).

    python -m benchmarks.load [--minutes 10] [--sessions 8] [--trainers 2] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path

import streamlit
import torch
from playwright.async_api import async_playwright, expect

from benchmarks.load_server import (server_memory, settled_memory, start_server, stop_server,
                                    workers)
from benchmarks.load_sessions import (RERUN_S, TRAINING_S, Session, trainer_round,
                                      visitor_round)
import helpers  # noqa: E402 (tests/browser, put on the path by load_sessions)
from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore
from lstm_app.training.checkpoint import WEIGHTS

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}
GROWTH_TARGET_MB = 200
SAMPLE_S = 15.0  # how often the server's memory is sampled during the run
TRAININGS = ("train (forecast)", "train (text)")  # not clicks answered: left out of the total


# --- what the sessions measured ------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), interpolated between the two nearest ranks as numpy's
    default does: percentile([1, 2, 3, 4], 50) == 2.5."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(timings: list[dict]) -> dict[str, dict]:
    """Per action (and "all clicks", every action but trainings): count of successes, errors,
    p50 / p95 / max seconds of the successes."""
    groups: dict[str, list[dict]] = {}
    for t in timings:
        groups.setdefault(t["action"], []).append(t)
    groups["all clicks"] = [t for t in timings if t["action"] not in TRAININGS]

    def row(items: list[dict]) -> dict:
        ok = [t["seconds"] for t in items if t["error"] is None]
        seconds = lambda value: round(value, 3) if ok else None  # none succeeded: no times
        return {"count": len(ok), "errors": len(items) - len(ok),
                "p50": seconds(percentile(ok, 50)), "p95": seconds(percentile(ok, 95)),
                "max": seconds(max(ok, default=0))}
    return {action: row(items) for action, items in groups.items()}


def check_store(home: Path, finished: list[tuple[str, str]]) -> dict:
    """Every run a tab saw finish is in the store: finished, its weights saved, and it reopens.
    Returns runs by status, how many were checked, and one line per problem."""
    store = RunStore(home)
    problems = [f"{task} run {run_id}: seen finishing {n} times (a training's results taken for "
                f"the next one's)" for (task, run_id), n in Counter(finished).items() if n > 1]
    for task, run_id in dict.fromkeys(finished):
        run = store.get(run_id)
        if run is None:
            problems.append(f"{task} run {run_id}: not in the store")
            continue
        if run.status != "finished":
            problems.append(f"{task} run {run_id}: {run.status}, not finished"
                            + (f" ({run.message})" if run.message else ""))
        if not (store.run_dir(run_id) / WEIGHTS).exists():
            problems.append(f"{task} run {run_id}: no {WEIGHTS}")
            continue
        try:
            reopen(store, run_id)
        except ValueError as error:
            problems.append(f"{task} run {run_id}: does not reopen: {error}")
    return {"by_status": dict(Counter(run.status for run in store.list())),
            "checked": len(finished), "problems": problems}


def server_errors(log_path: Path) -> dict:
    """The tracebacks in the server's log, each by its last line, but for Streamlit's own
    websocket noise (no frame of ours in it; see tests/browser/helpers.py)."""
    ours = []
    chains = helpers.logged_tracebacks(log_path.read_text(errors="replace"))
    for chain in chains:
        exceptions = [line for line in chain.splitlines() if line and not line[0].isspace()
                      and not line.startswith(("Traceback", "During handling", "The above"))]
        if str(REPO) in chain or not all(helpers.SERVER_NOISE.match(e) for e in exceptions):
            ours.append(chain)
    return {"noise": len(chains) - len(ours), "tracebacks": len(ours),
            "last_lines": dict(Counter(c.splitlines()[-1][:200] for c in ours))}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo")
                     if line.startswith("MemTotal"))
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": platform.machine(),
            "cpus": os.cpu_count(), "cpu": cpu, "ram_gib": round(memory_kb / 2**20, 1),
            "load_average": os.getloadavg()[0], "python": platform.python_version(),
            "torch": torch.__version__, "streamlit": streamlit.__version__}


# --- the run ------------------------------------------------------------------------------

async def sample_memory(pid: int, samples: list[dict]) -> None:
    """Every SAMPLE_S, the server's memory into ``samples``, until cancelled."""
    started = time.monotonic()
    while True:
        now = await asyncio.to_thread(server_memory, pid)
        samples.append({"s": round(time.monotonic() - started), **now})
        await asyncio.sleep(SAMPLE_S)


async def warm_memory(pid: int, sessions: list[Session], memory: dict) -> None:
    """The server's memory once every session has ended its first round (each page visited,
    its modules imported, its caches filled once)."""
    await asyncio.gather(*(s.first_round.wait() for s in sessions))
    memory["warm"] = await asyncio.to_thread(server_memory, pid)


async def drive(args, url: str, home: Path, pid: int, shots: Path) -> dict:
    """Open every session's first page, measure, run the rounds until the deadline, measure,
    close the tabs; returns the sessions and the memory measured while the tabs were open.
    A failed action leaves a screenshot of its tab in ``shots``."""
    expect.set_options(timeout=RERUN_S * 1000)  # not Playwright's 5 s: a rerun under load is slower
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        sessions, rounds = [], []
        for i in range(args.sessions):
            trainer = i < args.trainers
            name = f"trainer {i + 1}" if trainer else f"visitor {i + 1 - args.trainers}"
            context = await browser.new_context(viewport=VIEWPORT)
            sessions.append(Session(name, context, url, home, deadline=float("inf"),
                                    shots=shots))
            rounds.append(trainer_round if trainer else visitor_round)
        await asyncio.gather(*(s.open("Home", "", "LSTM Studio") for s in sessions),
                             return_exceptions=True)
        memory = {"start": await asyncio.to_thread(settled_memory, pid), "samples": []}
        deadline = time.monotonic() + args.minutes * 60
        for s in sessions:
            s.deadline = deadline
        watchers = [asyncio.create_task(sample_memory(pid, memory["samples"])),
                    asyncio.create_task(warm_memory(pid, sessions, memory))]
        loops = [s.loop(functools.partial(one_round, s)) for s, one_round in zip(sessions, rounds)]
        # Every action has its own limit; this one is for what no action covers.
        limit = args.minutes * 60 + TRAINING_S + 600
        try:
            await asyncio.wait_for(asyncio.gather(*loops, return_exceptions=True), limit)
            hung = False
        except asyncio.TimeoutError:
            hung = True
        for watcher in watchers:
            watcher.cancel()
        memory["end"] = server_memory(pid)
        for s in sessions:
            await s.close()
        await browser.close()
    return {"sessions": sessions, "memory": memory, "hung": hung}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--trainers", type=int, default=2)
    parser.add_argument("--settle", type=float, default=30,
                        help="seconds to wait once the tabs are closed before listing the workers "
                             "left (the app stops a training nobody watches after its grace, "
                             "LSTM_APP_GRACE_SECONDS, 120 s by default; the trainers here wait "
                             "for theirs, so a worker left is one an action gave up on)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here too")
    args = parser.parse_args()
    facts = machine()
    home = Path(tempfile.mkdtemp(prefix="lstm_load_"))
    log_path = home.parent / f"{home.name}.server.log"
    shots = home.parent / f"{home.name}.errors"
    server, url = start_server(home, log_path)
    try:
        driven = asyncio.run(drive(args, url, home, server.pid, shots))
        time.sleep(args.settle)  # the scenario's wait, not a synchronisation
        left = workers(server.pid)
        memory = driven["memory"]
        memory["tabs_closed"] = server_memory(server.pid)
        sessions = driven["sessions"]
        finished = [run for s in sessions for run in s.finished]
        store = check_store(home, finished)
    finally:
        stop_server(server)
    timings = [vars(t) for s in sessions for t in s.timings]
    memory.update(growth_mb=round(memory["end"]["total_mb"] - memory["start"]["total_mb"], 1),
                  peak_mb=max((m["total_mb"] for m in memory["samples"]), default=None),
                  target_mb=GROWTH_TARGET_MB)
    results = {
        "machine": facts, "settings": {"minutes": args.minutes, "sessions": args.sessions,
                                       "trainers": args.trainers},
        "home": str(home), "server_log": str(log_path), "error_screenshots": str(shots),
        "hung": driven["hung"],
        "actions": summarize(timings),
        "errors": [t for t in timings if t["error"] is not None],
        "rounds": {s.name: s.rounds for s in sessions},
        "trainings": {"started": sum(s.started for s in sessions), "finished": len(finished)},
        "store": store,
        "memory": memory,
        "settle_s": args.settle, "workers_left": left,
        "server_log_errors": server_errors(log_path),
        "timings": timings,
    }
    print_report(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def print_report(r: dict) -> None:
    m, s = r["machine"], r["settings"]
    print(f"\n{m['date']}, {m['machine']}, {m['cpus']} cores ({m['cpu']}), {m['ram_gib']} GiB, "
          f"load average {m['load_average']:.1f} at the start; torch {m['torch']}, "
          f"streamlit {m['streamlit']}")
    print(f"{s['sessions']} sessions ({s['trainers']} training) for {s['minutes']:g} min; "
          f"rounds: {', '.join(f'{k} {v}' for k, v in r['rounds'].items())}"
          + ("; STOPPED BY THE OVERALL LIMIT (a hang)" if r["hung"] else ""))
    print(f"\n{'action':<34} {'count':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for action, a in sorted(r["actions"].items(), key=lambda kv: kv[0] == "all clicks"):
        times = " ".join(f"{a[k]:>7.2f}" if a[k] is not None else f"{'–':>7}"
                         for k in ("p50", "p95", "max"))
        print(f"{action:<34} {a['count']:>6} {a['errors']:>6} {times}")
    for e in r["errors"]:
        print(f"  error: {e['session']}, {e['action']} after {e['seconds']:.1f} s: {e['error']}")
    if r["errors"]:
        print(f"  (a screenshot of each in {r['error_screenshots']})")
    t, st = r["trainings"], r["store"]
    print(f"\ntrainings: {t['finished']} finished of {t['started']} started")
    print(f"store: {st['checked']} finished trainings checked, {len(st['problems'])} problems; "
          f"runs by status: {st['by_status']}")
    for problem in st["problems"]:
        print(f"  {problem}")
    mem = r["memory"]
    mb = lambda key, part="total_mb": f"{mem[key][part]:.0f} MB" if mem.get(key) else "not reached"
    print(f"server memory (the RSS of the server and its children summed: a worker's pages "
          f"shared with the forkserver count twice): start {mb('start')}, end "
          f"{mb('end')}: growth {mem['growth_mb']:+.0f} MB (target ≤ {mem['target_mb']} MB)")
    since_warm = (f" (growth since then {mem['end']['total_mb'] - mem['warm']['total_mb']:+.0f} MB)"
                  if mem.get("warm") else "")
    print(f"  every session's first round done {mb('warm')}{since_warm}, peak "
          f"{mem['peak_mb'] or 0:.0f} MB, "
          f"tabs closed {mb('tabs_closed')}; the server process alone: start "
          f"{mb('start', 'server_mb')}, end {mb('end', 'server_mb')}, tabs closed "
          f"{mb('tabs_closed', 'server_mb')}")
    print(f"workers left {r['settle_s']:g} s after the tabs closed: {len(r['workers_left'])}"
          + "".join(f"\n  pid {w['pid']} {w['rss_mb']} MB {w['command']}"
                    for w in r["workers_left"]))
    logged = r["server_log_errors"]
    print(f"server log: {logged['tracebacks']} tracebacks ({logged['noise']} of Streamlit's "
          f"websocket noise left out) in {r['server_log']}")
    for line, n in logged["last_lines"].items():
        print(f"  {n} × {line}")


if __name__ == "__main__":
    main()
