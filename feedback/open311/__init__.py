"""Open311 GeoReport v2 (SPEC §11) under /open311/v2/, and the API keys of its client applications."""
