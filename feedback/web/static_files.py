"""Static assets (CSS, later scripts and fonts), served by pakn itself: government intranets have no CDN."""

from pathlib import Path

from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = "/static/pakn.css"

static_files = create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False)
