"""What the public sees of a published item: redacted text and nothing that identifies a person."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import Struct

from feedback.intake.schemas import Ref


class PublicFeedback(Struct):
    code: str
    title: str
    content: str
    answer: str
    citizen_initials: str
    unit: Ref
    category: Ref | None
    commune: Ref | None
    status: str
    received_at: datetime
    answered_at: datetime
    # Answered by the deadline in force (extensions included): what the public on-time rate counts.
    on_time: bool
    # Where the problem is, rounded (publication.policy.public_position); null when none was given.
    latitude: float | None = None
    longitude: float | None = None


class PublicFeedbackPage(Struct):
    total: int
    limit: int
    offset: int
    items: list[PublicFeedback]


# The public map's data: GeoJSON (RFC 7946), one point per published item that has a place.


class PlaceProperties(Struct):
    code: str
    title: str  # redacted, as on the public page
    status: str
    url: str  # the item's public page


class Point(Struct):
    coordinates: tuple[float, float]  # longitude, latitude (GeoJSON's order), rounded
    type: Literal["Point"] = "Point"


class PlaceFeature(Struct):
    geometry: Point
    properties: PlaceProperties
    type: Literal["Feature"] = "Feature"


class PlaceCollection(Struct):
    features: list[PlaceFeature]
    type: Literal["FeatureCollection"] = "FeatureCollection"
