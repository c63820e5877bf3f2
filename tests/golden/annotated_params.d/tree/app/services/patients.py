from __future__ import annotations

from typing import List, Optional

from app.models import Patient


def plain(p: Patient) -> str:
    return p.name + p.plain_missing


def optional(p: Optional[Patient]) -> str:
    if p is None:
        return ""
    return p.optional_missing


def union(p: Patient | None) -> str:
    return p.union_missing


def forward(p: "Patient") -> str:
    return p.forward_missing


def loop(patients: list[Patient]) -> list[str]:
    out = []
    for p in patients:
        out.append(p.loop_missing)
    return out


def comprehension(patients: List[Patient]) -> list[str]:
    return [p.comp_missing for p in patients if p.mrn]
