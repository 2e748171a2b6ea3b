"""A Document (lib/documents) as JSON and back, and the fingerprint of its figures: a kept
report shows exactly what was generated, and says when the figures of its period have changed
since (regenerating gives another fingerprint)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from pacekeeper.lib.documents import BarChart, Column, Document, Figure, Paragraph, Section, Table

BLOCKS = {"figure": Figure, "table": Table, "paragraph": Paragraph, "chart": BarChart}


def _out(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _in(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind in ("percent", "decimal"):
        return Decimal(str(value))
    if kind in ("money", "integer"):
        return int(value)
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    return value


def _block_data(block) -> dict:
    if isinstance(block, Figure):
        return {
            "type": "figure",
            "label": block.label,
            "value": _out(block.value),
            "kind": block.kind,
            "currency": block.currency,
            "note": block.note,
        }
    if isinstance(block, Table):
        return {
            "type": "table",
            "columns": [{"label": c.label, "kind": c.kind, "currency": c.currency} for c in block.columns],
            "rows": [[_out(value) for value in row] for row in block.rows],
            "empty_text": block.empty_text,
        }
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    return {
        "type": "chart",
        "title": block.title,
        "labels": list(block.labels),
        "values": [_out(value) for value in block.values],
        "kind": block.kind,
        "currency": block.currency,
    }


def _block(data: dict):
    if data["type"] == "figure":
        return Figure(data["label"], _in(data["value"], data["kind"]), data["kind"], data["currency"], data["note"])
    if data["type"] == "table":
        columns = tuple(Column(c["label"], c["kind"], c["currency"]) for c in data["columns"])
        rows = tuple(
            tuple(_in(value, column.kind) for value, column in zip(row, columns, strict=True)) for row in data["rows"]
        )
        return Table(columns, rows, data["empty_text"])
    if data["type"] == "paragraph":
        return Paragraph(data["text"])
    values = tuple(_in(value, data["kind"]) for value in data["values"])
    return BarChart(data["title"], tuple(data["labels"]), values, data["kind"], data["currency"])


def document_data(document: Document) -> dict:
    return {
        "title": document.title,
        "subtitle": document.subtitle,
        "language": document.language,
        "organisation": document.organisation,
        "generated_at": document.generated_at.isoformat() if document.generated_at else None,
        "footnotes": list(document.footnotes),
        "sections": [
            {"title": s.title, "sheet_title": s.sheet_title, "blocks": [_block_data(b) for b in s.blocks]}
            for s in document.sections
        ],
    }


def document_from_data(data: dict) -> Document:
    sections = tuple(
        Section(s["title"], tuple(_block(b) for b in s["blocks"]), s.get("sheet_title", "")) for s in data["sections"]
    )
    generated = dt.datetime.fromisoformat(data["generated_at"]) if data.get("generated_at") else None
    return Document(
        title=data["title"],
        subtitle=data["subtitle"],
        language=data["language"],
        organisation=data["organisation"],
        sections=sections,
        generated_at=generated,
        footnotes=tuple(data.get("footnotes", ())),
    )


def _figures_only(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "generated_at"}


def fingerprint(data: dict) -> str:
    """sha256 of everything the report states but the moment it was generated."""
    text = json.dumps(_figures_only(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def changed_sections(kept: dict, now: dict) -> list[str]:
    """The titles of the kept report's sections whose content differs now."""
    current = {section["title"]: section for section in now["sections"]}
    return [section["title"] for section in kept["sections"] if current.get(section["title"]) != section]
