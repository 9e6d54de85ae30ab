"""The benchmark's table (printed) and its JSON file."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    operation: str
    connections: str = "—"
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    queries: str = "—"
    baseline: str = "—"  # what the ratio is taken against, with its figure
    baseline_value: float | None = None
    ratio: float | None = None
    ratio_kind: str = ""  # "throughput" (higher is better) or "time" (lower is better)
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)


def _num(value: float | None, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format(value, fmt)


def _ratio(row: Row) -> str:
    if row.ratio is None or math.isnan(row.ratio):
        return "—"
    return f"{row.ratio * 100:.0f} %" if row.ratio_kind == "throughput" else f"{row.ratio:.2f} ×"


COLUMNS = [("operation", 44, "<"), ("conns", 5, ">"), ("req/s", 8, ">"), ("p50 ms", 8, ">"),
           ("p95 ms", 8, ">"), ("p99 ms", 8, ">"), ("SQL/req", 8, ">"), ("baseline", 22, ">"),
           ("ratio", 8, ">"), ("target", 36, "<"), ("result", 7, "<")]


def table(rows: list[Row]) -> str:
    def line(values):
        return " ".join(f"{v:{align}{width}}" for v, (_, width, align) in zip(values, COLUMNS, strict=True))

    out = [line([c[0] for c in COLUMNS]), " ".join("-" * w for _, w, _ in COLUMNS)]
    for row in rows:
        result = "—" if row.met is None else ("met" if row.met else "MISSED")
        out.append(line([row.operation, row.connections, _num(row.rps, ".0f"), _num(row.p50_ms, ".1f"),
                         _num(row.p95_ms, ".1f"), _num(row.p99_ms, ".1f"), row.queries, row.baseline,
                         _ratio(row), row.target, result]))
    notes = [(row.operation, note) for row in rows for note in row.notes]
    if notes:
        out.append("")
        out += [f"  {op}: {note}" for op, note in notes]
    return "\n".join(out)


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)

    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        if isinstance(value, Row):
            return clean(asdict(value))
        return value

    path.write_text(json.dumps(clean(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
