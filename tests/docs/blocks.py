"""The fenced code blocks of README.md and docs/*.md, and the marker comments that say how
each one is tested (see docs/testing.md, "The documentation is tested").

A marker is an HTML comment on the line before the fence (blank lines allowed between)::

    <!-- test: fixed-time stub-command=psql -->

Its words are flags (``fixed-time``) or ``key=value`` options; any other words are a free
text reason (used by ``syntax-only``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FLAGS = frozenset(
    {"fixed-time", "install", "kubeconfig", "aws-config", "no-juicefs", "output-of-previous", "paths", "pytest", "s3express"}
)
OPTIONS = frozenset({"syntax-only", "server", "expect-object", "expect-warning", "file", "stub-command", "cwd", "run-by"})

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*$")
_MARKER = re.compile(r"^\s*<!--\s*test:(?P<body>.*?)-->\s*$")


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str  # dedented content, ending with a newline
    flags: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}:{self.lang or 'plain'}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _parse_marker(body: str, where: str) -> tuple[set[str], dict[str, str], str]:
    flags: set[str] = set()
    options: dict[str, str] = {}
    reason: list[str] = []
    for word in shlex.split(body):
        name, eq, value = word.partition("=")
        if eq and name in OPTIONS:
            options[name] = value
        elif not eq and word in FLAGS:
            flags.add(word)
        elif eq and not reason:
            raise ValueError(f"{where}: unknown marker option {name!r} (known: {sorted(OPTIONS)})")
        else:
            reason.append(word)
    return flags, options, " ".join(reason)


def parse(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent = opening["indent"]
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        if j == len(lines):
            raise ValueError(f"{path}:{i + 1}: unclosed code fence")
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : j]]
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = _MARKER.match(lines[k]) if k >= 0 else None
        flags, options, reason = _parse_marker(marker["body"], f"{path}:{k + 1}") if marker else (set(), {}, "")
        blocks.append(Block(path, i + 1, opening["lang"], "\n".join(body) + "\n", flags, options, reason))
        i = j + 1
    return blocks


def all_blocks() -> list[Block]:
    return [block for path in documents() for block in parse(path)]


@dataclass
class Command:
    text: str  # the command as bash gets it (continuation lines joined with their backslashes)
    expected: list[str]  # the output lines shown after it


def commands(block: Block) -> list[Command]:
    """``$ ``-prefixed commands of a console block, with the output lines shown after each."""
    out: list[Command] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            if not out:
                raise ValueError(f"{block.id}: output line before any command: {line!r}")
            out[-1].expected.append(line)
            i += 1
            continue
        parts = [line[2:]]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            parts.append(lines[i])
        out.append(Command("\n".join(parts), []))
        i += 1
    return out
