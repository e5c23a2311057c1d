"""`make profile FUNCTION=cases`: where one function's cold start goes, laid out and run as
`make bench` runs it (bench/coldstart.py: moto's server, the code as `make build` lays it
out, a fresh process of Python 3.13 for each cold start).

Two views, because the CPU time of one cold start varies by about 12% from one process to
the next (docs/design.md, Performance), more than most changes move it:

- Python calls: how many calls of Python and builtin functions the import and the first
  request make (cProfile's count, one cold start). The count does not vary from run to run,
  so two versions of the code compare exactly; it does not see work done inside C
  (compiling, parsing JSON, pydantic-core), so read it beside the samples.
- CPU samples: a sample of the stack at each tick of the process's CPU clock (`SIGPROF`,
  every millisecond asked, every 4 ms given on a 250 Hz kernel), over PROFILE_RUNS cold
  starts (20 by default) of the first request, or of the import with PROFILE_PHASE=import.
  Each line is the milliseconds per cold start spent under one of our functions (the
  layer's, or the handler's `app.py:…`; a module's `<module>` includes the modules it
  imports), or in what our innermost function called: a library, a module of the standard
  library (`stdlib:dataclasses`), the import system (`import`: finding and reading
  modules), or code made with `exec` (`<string>`). The figures are the samples' shares of
  the CPU time the cold starts measured.

Any name `make bench` runs is a FUNCTION: floor, floor-full, directory, tasks, cases,
documents, reports, deadlines. Nothing is written; figures are printed, never asserted.
"""

from __future__ import annotations

import collections
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coldstart  # the bench's world, lay-out and child

SAMPLER = r"""
import signal
STACKS = []
def _name(code):
    path = code.co_filename
    if "/cityops/" in path:
        return "cityops/" + path.split("/cityops/", 1)[1] + ":" + code.co_name
    if path.endswith("/app.py") and "-packages/" not in path:
        return "app.py:" + code.co_name
    for mark in ("-packages/", "/python/"):
        if mark in path:
            return path.split(mark, 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith("<frozen importlib"):
        return "import"  # the import system itself: finding, reading, unmarshalling
    if path.startswith("<frozen "):
        return "stdlib:" + path.removeprefix("<frozen ").removesuffix(">")
    if "/lib/python3" in path:
        return "stdlib:" + path.split("/lib/python3", 1)[1].split("/")[1].removesuffix(".py")
    return path  # "<string>": code made with exec (a dataclass's methods, a namedtuple's)
def _tick(signum, frame):
    stack = []
    while frame is not None:
        stack.append(_name(frame.f_code))
        frame = frame.f_back
    STACKS.append(stack)
def start():
    signal.signal(signal.SIGPROF, _tick)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
def stop():
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
"""
COUNTER = r"""
import cProfile, pstats
def start():
    global PROFILE
    PROFILE = cProfile.Profile()
    PROFILE.enable()
def stop():
    PROFILE.disable()
    CALLS.append(pstats.Stats(PROFILE).total_calls)
CALLS = []
"""
IMPORT = "spec.loader.exec_module(module)"
FIRST = "reply = module.lambda_handler(event, Context())"


def _child_code(tool: str, phases: tuple[str, ...], report: str) -> str:
    """The bench's child with `tool` started and stopped around each of `phases`, and what
    it gathered (`report`) in the child's figures, as `profile`."""
    code = coldstart.CHILD.replace(
        "import json, os, sys, time", "import json, os, sys, time\n" + tool, 1
    )
    for line in (*phases, '"calls": calls,'):
        if line not in code:
            raise RuntimeError(f"bench/coldstart.py's CHILD no longer has {line!r}: follow it")
    for line in phases:
        code = code.replace(line, f"start(); {line}; stop()", 1)
    return code.replace('"calls": calls,', f'"calls": calls, "profile": {report},', 1)


def _run(world: coldstart.World, python: str, layout: dict, name: str, code: str) -> dict:
    """One cold start of `name` with `code`: the child's figures."""
    as_named = "floor" if name == coldstart.FULL else name  # floor-full: the floor's handler
    handler = layout[as_named]
    layer = None if name == coldstart.FULL else handler.parent.parent / "python"
    env, request = world.environment(as_named), world.first_request(as_named)
    return coldstart.child(python, layer, handler, env, request, code)


def _lines(counts: collections.Counter, samples: int, cpu_ms: float, most: int) -> list[str]:
    return [f"  {cpu_ms * n / samples:7.1f}  {key}" for key, n in counts.most_common(most)]


def profile(name: str, runs: int, phase: str) -> str:
    python = coldstart.interpreters()[0]
    version = coldstart._ask(python, "import sys; print(sys.version.split()[0])")
    world = coldstart.World()
    try:
        with tempfile.TemporaryDirectory(prefix="cityops-profile-") as tmp:
            layout = coldstart.lay_out(python, Path(tmp))
            counted = _child_code(COUNTER, (IMPORT, FIRST), "CALLS")
            calls = _run(world, python, layout, name, counted)["profile"]
            line = FIRST if phase == "first" else IMPORT
            sampler = _child_code(SAMPLER, (line,), "STACKS")
            stacks: list[list[str]] = []
            cpu: list[float] = []
            for i in range(runs):
                print(f"  cold start {i + 1} of {runs} ...", end="\r", file=sys.stderr, flush=True)
                figures = _run(world, python, layout, name, sampler)
                stacks += figures["profile"]
                cpu.append(figures["first_cpu" if phase == "first" else "import_cpu"] * 1000)
            print(file=sys.stderr)
    finally:
        world.stop()
    ours, entered = collections.Counter(), collections.Counter()
    for stack in stacks:
        mine = [key for key in stack if key.startswith(("cityops/", "app.py:"))]
        ours.update(set(mine))
        if mine:  # what it called: the nearest frame below it that is not the import system
            below = [key for key in reversed(stack[: stack.index(mine[0])]) if key != "import"]
            called = below[0] if below else ("import" if stack[0] == "import" else "itself")
            entered[f"{mine[0]} → {called}"] += 1
        else:
            entered[f"(none of ours) {stack[-1]}"] += 1
    spent = statistics.median(cpu)
    title = "the first request" if phase == "first" else "the import"
    return "\n".join(
        [
            f"{name} on Python {version}: Python calls: import {calls[0]:,}, first request"
            f" {calls[1]:,} (one cold start; exact from run to run)",
            f"{title}: {spent:.0f} ms of CPU (median of {runs} cold starts), {len(stacks)}"
            " samples; ms per cold start:",
            "under our functions:",
            *_lines(ours, len(stacks), spent, 30),
            "by our innermost function, and what it called:",
            *_lines(entered, len(stacks), spent, 25),
        ]
    )


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in ("floor", coldstart.FULL, *coldstart.FUNCTIONS):
        names = ", ".join(("floor", coldstart.FULL, *coldstart.FUNCTIONS))
        print(f"usage: make profile FUNCTION=<one of {names}>", file=sys.stderr)
        return 2
    phase = os.environ.get("PROFILE_PHASE", "first")
    if phase not in ("first", "import"):
        print("PROFILE_PHASE is first (the default) or import", file=sys.stderr)
        return 2
    print(profile(sys.argv[1], int(os.environ.get("PROFILE_RUNS", "20")), phase))
    return 0


if __name__ == "__main__":
    sys.exit(main())
