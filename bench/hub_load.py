"""How many learners one machine serves: `sudo python3 course.py bench-hub` (Linux, root, Node.js).

A bounded load test of the real hub that `course.py hub` starts (JupyterHub, configurable-http-proxy, one
Unix account and one jupyterhub-singleuser server per learner), on loopback only. For each class size N
(default 5, 10, 20, 30, 40) it:

1. logs N learners in through the login form (PAM), all at once, as a class does at the bell;
2. starts their N servers at once and pulls the course into each (the git-pull link): *server start*;
   then everyone opens lesson 02 at once, which starts its kernel: *kernel start*;
3. opens lesson 02 in each and, in every kernel at the same moment, runs the lesson's opening: its setup
   cell and its first data cell (where pandas is first imported: the package imports lazily, so the setup cell
   alone costs little). The *burst* is the seconds until the last learner's opening has finished;
4. works through the rest of lesson 02 at the lessons' time model's pace (lessons.py: reading, cells,
   questions, discussion), each learner a little faster or slower than the model (x0.8 to x1.2, seeded), the
   period compressed `--speed` times (default 10: a 50-minute lesson in 5 minutes, so ten times the load
   of a real class: a safe side), answering each quiz question as the quiz's page does: *cell latency*, each
   code cell or quiz answer from sending to the kernel's idle, p50 and p95;
5. samples the memory of each learner's processes (server and kernel: proportional set size, PSS, from
   /proc, so shared libraries are split fairly) every 2 s: *memory per learner*, the mean of their peaks;
6. stops every server, and goes on to the next N (the accounts are made once, for the largest N).

Then it prints the capacity table and the largest N at which p95 cell latency stays under 1 s and the burst
finishes within 30 s, and writes bench/results/hub_load.json (the rows of sizes not tried in this run, at the
same speed, are kept from the last run: `--sizes 60` adds a row). Every request has a time limit; the run stops
by itself; the test accounts are removed at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hub_client import TEST_SRV, ClassHub, Hub, HubError, Learner, right_answer  # noqa: E402

from twopowers.teach.lessons import QUIZ_CELL, TIME_MODEL, prose_of, quiz_file  # noqa: E402

LESSON = ROOT / "notebooks" / "02_how_we_got_here.ipynb"
P95_LIMIT, BURST_LIMIT = 1.0, 30.0


def schedule(path: Path) -> list[dict]:
    """Lesson 02's code cells in order, each with the minute the time model reaches it and, for a quiz cell,
    its questions (each answered 1.5 model minutes after the one before)."""
    import nbformat

    questions = quiz_file(path)["questions"]
    minute, steps = 0.0, []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            minute += len(prose_of(cell.source).split()) / TIME_MODEL["words_per_minute"]
            minute += cell.source.count("**Discuss.**") * TIME_MODEL["discuss"]
            continue
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        quizzes = QUIZ_CELL.findall(cell.source)
        asked = [q["id"] for q in questions for _, section in quizzes if not section or q.get("section") == section]
        steps.append({"minute": minute, "code": cell.source, "setup": "setup" in cell.metadata.get("tags", []),
                      "questions": asked})
        minute += TIME_MODEL["question"] * len(asked) if asked else TIME_MODEL["code_cell"]
    return steps


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def pss_by_user(uids: dict[int, str]) -> dict[str, int]:
    """Proportional set size in bytes of every process of each given user."""
    totals = dict.fromkeys(uids.values(), 0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            owner = os.stat(entry.path).st_uid
            if owner not in uids:
                continue
            rollup = Path(entry.path, "smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        if match:
            totals[uids[owner]] += int(match.group(1)) * 1024
    return totals


async def sample_memory(uids: dict[int, str], peaks: dict[str, int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for name, size in (await asyncio.to_thread(pss_by_user, uids)).items():
            peaks[name] = max(peaks.get(name, 0), size)
        try:
            await asyncio.wait_for(stop.wait(), 2)
        except asyncio.TimeoutError:
            pass


async def one_class(served: ClassHub, tools: Hub, names: list[str], speed: float, seed: int, row: dict) -> dict:
    """One class through the lesson; `row` gets each figure as soon as it is measured, so that a class that
    fails part-way still reports what it reached."""
    import pwd

    learners = [Learner(tools, name, served.passwords[name]) for name in names]
    logins = await asyncio.gather(*(learner.login() for learner in learners))
    for learner in learners:
        await learner.get_token()
    started = time.monotonic()
    row["login_p95_s"] = round(percentile(logins, 0.95), 2)
    starts = await asyncio.gather(*(learner.start_server() for learner in learners))
    row.update(server_start_p50_s=round(statistics.median(starts), 1),
               server_start_p95_s=round(percentile(starts, 0.95), 1))
    repo = f"file://{TEST_SRV / 'course'}"
    await asyncio.gather(*(learner.pull_course(repo) for learner in learners))
    pulled = time.monotonic() - started
    uids = {pwd.getpwnam(name).pw_uid: name for name in names}
    peaks: dict[str, int] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(uids, peaks, stop))
    async def open_kernel(learner):
        started = time.monotonic()
        kernel = await learner.open_kernel(f"between-two-powers/notebooks/{LESSON.name}")
        return kernel, time.monotonic() - started

    opened = await asyncio.gather(*(open_kernel(learner) for learner in learners))  # everyone opens the lesson
    kernels, kernel_starts = [k for k, _ in opened], [s for _, s in opened]
    row["kernel_start_p95_s"] = round(percentile(kernel_starts, 0.95), 1)
    steps = schedule(LESSON)
    opening, rest = steps[:2], steps[2:]  # the setup cell and the first data cell (the first pandas import)

    async def open_lesson(kernel):
        started, errors = time.monotonic(), []
        for step in opening:
            _, found = await kernel.run(step["code"], seconds=300)
            errors += [found["error"]] if found["error"] else []
        return time.monotonic() - started, errors

    burst_started = time.monotonic()
    setup_times = await asyncio.gather(*(open_lesson(kernel) for kernel in kernels))
    burst = time.monotonic() - burst_started
    errors = [f"{k.learner.username}: {e}" for k, (_, found) in zip(kernels, setup_times) for e in found]
    latencies, answers = [], []
    random.seed(seed)
    paces = [random.uniform(0.8, 1.2) for _ in learners]

    async def work(kernel, pace: float):
        begun = time.monotonic()
        for step in rest:
            due = begun + step["minute"] * 60 * pace / speed
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            seconds, found = await kernel.run(step["code"])
            latencies.append(seconds)
            if found["error"]:
                errors.append(f"{kernel.learner.username}: {found['error']}")
            for i, question_id in enumerate(step["questions"]):
                await asyncio.sleep(TIME_MODEL["question"] * 60 * pace / speed if i else 1.0)
                comm_id, quiz = next(((c, q) for c, q in kernel.quizzes
                                      if any(x["id"] == question_id for x in q["questions"])), (None, None))
                if comm_id is None:
                    errors.append(f"{kernel.learner.username}: no quiz for {question_id}")
                    continue
                question = next(x for x in quiz["questions"] if x["id"] == question_id)
                answers.append(await kernel.answer(comm_id, right_answer(question, quiz["lesson"])))

    paced_started = time.monotonic()
    await asyncio.gather(*(work(kernel, pace) for kernel, pace in zip(kernels, paces)))
    paced = time.monotonic() - paced_started
    stop.set()
    await sampler
    for kernel in kernels:
        await kernel.close()
    await asyncio.gather(*(learner.stop_server() for learner in learners))
    memory = [peaks.get(name, 0) / 2 ** 20 for name in names]
    every = latencies + answers
    return {
        "learners": len(names), "login_p95_s": round(percentile(logins, 0.95), 2),
        "server_start_p50_s": round(statistics.median(starts), 1), "server_start_p95_s": round(percentile(starts, 0.95), 1),
        "start_and_pull_all_s": round(pulled, 1), "kernel_start_p95_s": round(percentile(kernel_starts, 0.95), 1),
        "burst_s": round(burst, 1),
        "opening_p50_s": round(statistics.median(s for s, _ in setup_times), 1),
        "cell_p50_s": round(percentile(every, 0.5), 3), "cell_p95_s": round(percentile(every, 0.95), 3),
        "cell_max_s": round(max(every), 2), "cells_run": len(latencies), "quiz_answers": len(answers),
        "memory_per_learner_mib": round(statistics.mean(memory)), "memory_max_learner_mib": round(max(memory)),
        "paced_minutes": round(paced / 60, 1), "errors": errors[:10], "error_count": len(errors),
        "fits": percentile(every, 0.95) < P95_LIMIT and burst <= BURST_LIMIT and not errors,
    }


async def main_async(sizes: list[int], speed: float, seed: int) -> list[dict]:
    served = ClassHub(learners=max(sizes))
    results = []
    try:
        tools = Hub(served.url, served.token, served.process, served.log)
        await tools.wait_ready()
        for size in sizes:
            print(f"[bench] {size} learners ...", flush=True)
            partial = {"learners": size}
            try:
                row = await asyncio.wait_for(one_class(served, tools, served.learners[:size], speed, seed, partial),
                                             timeout=3600 / speed * 1.5 + 900)
            except Exception as err:  # noqa: BLE001 - one size failing is a result; the others still run
                traceback.print_exc()
                row = {**partial, "fits": False, "errors": [f"{type(err).__name__}: {err}"[:300]], "error_count": 1}
                await asyncio.gather(*(Learner(tools, n, "").stop_server() for n in served.learners[:size]),
                                     return_exceptions=True)
            print(json.dumps(row), flush=True)
            results.append(row)
            if not row["fits"] and row.get("burst_s", 0) > 3 * BURST_LIMIT:
                print("[bench] far past the limits: larger classes are not tried.", flush=True)
                break
        tools.close()
    finally:
        served.stop()
    return results


def table(results: list[dict], speed: float) -> str:
    lines = [f"Hub load test: lesson 02 at {speed:g}x the time model's pace, on {os.cpu_count()} cores, "
             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30:.0f} GiB.", "",
             "| learners | server start p50 / p95 (s) | burst (s) | cell p50 (s) | cell p95 (s) | memory per learner "
             "(MiB, peak PSS) | fits |", "|---|---|---|---|---|---|---|"]
    for r in results:
        if "cell_p95_s" not in r:
            start = f"{r['server_start_p50_s']} / {r['server_start_p95_s']}" if "server_start_p50_s" in r else ""
            lines.append(f"| {r['learners']} | {start} | failed: {r['errors'][0][:90]} | | | | no |")
            continue
        lines.append(f"| {r['learners']} | {r['server_start_p50_s']} / {r['server_start_p95_s']} | {r['burst_s']} | "
                     f"{r['cell_p50_s']} | {r['cell_p95_s']} | {r['memory_per_learner_mib']} | "
                     f"{'yes' if r['fits'] else 'no'} |")
    fitting = [r["learners"] for r in results if r.get("fits")]
    lines += ["", f"Largest class that fits (p95 cell latency < {P95_LIMIT:g} s, burst <= {BURST_LIMIT:g} s, no errors): "
              + (f"{max(fitting)} learners." if fitting else "none of the sizes tried.")]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,10,20,30,40", help="class sizes to try, in order")
    parser.add_argument("--speed", type=float, default=10.0, help="how many times faster than the time model")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        print("The hub benchmark makes Unix accounts: run it on Linux as root (sudo python3 course.py bench-hub).")
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: still remove the accounts
    results = asyncio.run(main_async(sizes, args.speed, args.seed))
    out = ROOT / "bench" / "results" / "hub_load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    when = time.strftime("%Y-%m-%d %H:%M")
    for row in results:
        row["when"] = when
    earlier = json.loads(out.read_text()) if out.exists() else {}
    if earlier.get("speed") == args.speed and earlier.get("lesson") == LESSON.stem:  # keep other sizes' rows
        tried = {r["learners"] for r in results}
        results = sorted([r for r in earlier["results"] if r["learners"] not in tried] + results,
                         key=lambda r: r["learners"])
    out.write_text(json.dumps({"when": when, "machine": platform.platform(), "cores": os.cpu_count(),
                               "speed": args.speed, "lesson": LESSON.stem, "results": results}, indent=1) + "\n")
    print(table(results, args.speed))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
