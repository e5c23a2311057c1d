"""The state diagrams of every workflow, drawn from the code's tables (`StateMachine`s in
`cityops.<system>.workflow` modules) into docs/workflows.md.
`python tools/diagrams.py --write` updates it; `tools/check_template.py` checks it is current."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "cityops"))
OUTPUT = ROOT / "docs" / "workflows.md"

HEADER = """# Workflows

Drawn from the state machine tables in the code (`cityops.<system>.workflow`) by
`make diagrams`; a check fails when this file is stale. Each arrow is one transition:
its action and who may take it (the permission the system's pipeline resolves). An action
whose state stays the same is drawn as a loop.
"""


def machines() -> list[tuple[str, object]]:
    """Every StateMachine declared at the top of a workflow module, by system."""
    import cityops
    from cityops.core.statemachine import StateMachine

    found = []
    for info in sorted(pkgutil.iter_modules(cityops.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name == "core":
            continue
        try:
            module = importlib.import_module(f"cityops.{info.name}.workflow")
        except ModuleNotFoundError as exc:
            if exc.name != f"cityops.{info.name}.workflow":
                raise
            continue
        seen = set()
        for value in vars(module).values():
            if isinstance(value, StateMachine) and id(value) not in seen:
                seen.add(id(value))
                found.append((info.name, value))
    return found


def _cell(values) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values))


def build() -> str:
    out = [HEADER]
    current = None
    for system, machine in machines():
        if system != current:
            out.append(f"## {system.capitalize()}\n")
            current = system
        out.append(f"### {machine.name}\n")
        out.append("```mermaid\n" + machine.mermaid() + "\n```\n")
        out.append("| Action | From | To | Who |\n|---|---|---|---|")
        for tr in machine.transitions:
            to = "(stays)" if tr.to is None else _cell([tr.to] if isinstance(tr.to, str) else tr.to)
            guard = " (guarded)" if tr.guard else ""
            out.append(f"| `{tr.action}`{guard} | {_cell(tr.sources)} | {to} | {tr.who} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    text = build()
    if "--write" in sys.argv:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
        return 0
    if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
        print("docs/workflows.md is not what the code draws: run `make diagrams`", file=sys.stderr)
        return 1
    print("docs/workflows.md is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
