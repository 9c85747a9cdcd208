"""Result tables, figures and the report folder (report.md, report.html, JSON)."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from urllib.parse import quote

from ._errors import CLIError
from ._safe_text import markdown_escape

METRIC_TITLES = {
    "roc_auc": "AUROC",
    "average_precision": "AP",
    "sensitivity": "Sens.",
    "specificity": "Spec.",
    "gmean": "G-mean",
}


def fmt_ci(summary: dict, digits: int = 3, *, signed: bool = False) -> str:
    """``0.812 [0.774, 0.850]``: a mean with its 95% interval."""
    if not summary or not math.isfinite(summary.get("mean", float("nan"))):
        return "n/a"
    f = f"{{:+.{digits}f}}" if signed else f"{{:.{digits}f}}"
    return (
        f"{f.format(summary['mean'])} "
        f"[{f.format(summary['ci_low'])}, {f.format(summary['ci_high'])}]"
    )


def comparison_table(results: dict, metrics=tuple(METRIC_TITLES)) -> list[list[str]]:
    """Rows ``[arm, metric (mean [CI]) ..., warm - scratch]`` for every arm."""
    header = ["arm", *(METRIC_TITLES[m] for m in metrics), "Δ AUROC vs scratch"]
    rows = [header]
    for arm, res in results.items():
        diff = res.get("warm_minus_scratch_auroc")
        rows.append(
            [
                arm,
                *(fmt_ci(res["summary"].get(m)) for m in metrics),
                fmt_ci(diff, signed=True) if diff else "—",
            ]
        )
    return rows


def render_text_table(rows: list[list[str]]) -> str:
    """Render a plain, aligned text table for the terminal."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _markdown_table(rows):
    def line(row):
        return "| " + " | ".join(markdown_escape(c) for c in row) + " |"

    out = [line(rows[0]), "|" + " --- |" * len(rows[0])]
    out += [line(r) for r in rows[1:]]
    return "\n".join(out)


def _html_table(rows):
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
        for r in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Report:
    """A report built from blocks and written as Markdown and HTML."""

    def __init__(self, title: str):
        self.title = title
        self.blocks: list[tuple[str, object]] = []

    def heading(self, text):
        self.blocks.append(("h2", text))

    def text(self, text):
        self.blocks.append(("p", text))

    def table(self, rows):
        self.blocks.append(("table", rows))

    def figure(self, filename, caption):
        self.blocks.append(("img", (filename, caption)))

    def to_markdown(self) -> str:
        # Every string is escaped, as to_html escapes every string.
        out = [f"# {markdown_escape(self.title)}", ""]
        for kind, value in self.blocks:
            if kind == "h2":
                out += [f"## {markdown_escape(value)}", ""]
            elif kind == "p":
                out += [markdown_escape(value, line_start=True), ""]
            elif kind == "table":
                out += [_markdown_table(value), ""]
            else:
                src, cap = quote(str(value[0])), markdown_escape(value[1])
                out += [f"![{cap}]({src})", "", f"*{cap}*", ""]
        return "\n".join(out)

    def to_html(self) -> str:
        parts = [f"<h1>{html.escape(self.title)}</h1>"]
        for kind, value in self.blocks:
            if kind == "h2":
                parts.append(f"<h2>{html.escape(value)}</h2>")
            elif kind == "p":
                parts.append(f"<p>{html.escape(value)}</p>")
            elif kind == "table":
                parts.append(_html_table(value))
            else:
                src, cap = (html.escape(v) for v in value)
                parts.append(
                    f'<figure><img src="{src}" alt="{cap}"><figcaption>{cap}'
                    "</figcaption></figure>"
                )
        style = (
            "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px}"
            "img{max-width:100%}figcaption{color:#555;font-style:italic}"
        )
        return (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(self.title)}</title><style>{style}</style></head><body>"
            + "\n".join(parts)
            + "</body></html>"
        )

    def write(self, out_dir: Path) -> list[Path]:
        """Write ``report.md`` and ``report.html`` into ``out_dir``."""
        md, page = out_dir / "report.md", out_dir / "report.html"
        md.write_text(self.to_markdown(), encoding="utf-8")
        page.write_text(self.to_html(), encoding="utf-8")
        return [md, page]


def prepare_out_dir(out: str | Path) -> Path:
    """Create the output folder, with a one-line error when that is impossible."""
    path = Path(out).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise CLIError(f"--out {str(out)!r} is not a writable folder: {exc}") from exc
    return path


def write_json(path: Path, payload: dict) -> Path:
    """Write JSON with NaN as null, so every JSON reader accepts the file."""
    from sklearn_ecg.utils import to_json_safe

    text = json.dumps(to_json_safe(payload), indent=2, allow_nan=False)
    path.write_text(text + "\n")
    return path
