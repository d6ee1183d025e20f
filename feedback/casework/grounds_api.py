"""The law's reference lists for casework (feedback/items/grounds.py), public like the other reference
lists: `/api/v1/classifications` and `/api/v1/refusal-grounds`, whose codes the accept and refuse
actions take."""

from __future__ import annotations

from litestar import get
from msgspec import Struct

from feedback.items.grounds import CLASSIFICATION_NAMES, REFUSAL_GROUNDS


class ClassificationOut(Struct):
    code: str
    name: str


class RefusalGroundOut(Struct):
    code: str
    name: str  # what the citizen reads
    basis: str  # the legal citation
    procedure: str  # for a complaint or a denunciation: the procedure that applies; "" otherwise
    classification: str  # what a refusal on this ground classifies the item as; "" for none


@get("/api/v1/classifications", tags=["public"])
async def classifications() -> list[ClassificationOut]:
    """How a unit classifies an item (Nghị định 20/2008/NĐ-CP); "complaint" and "denunciation" are
    refused on their ground, which names the procedure that applies."""
    return [ClassificationOut(code, name) for code, name in CLASSIFICATION_NAMES.items()]


@get("/api/v1/refusal-grounds", tags=["public"])
async def refusal_grounds() -> list[RefusalGroundOut]:
    """The legal grounds a refusal names (`ground` of the refuse action), each with its basis."""
    return [
        RefusalGroundOut(g.code, g.text, g.basis, g.procedure, g.classification)
        for g in REFUSAL_GROUNDS.values()
    ]
