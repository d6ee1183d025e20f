"""Every web page handler, in one list for the app factory (each area keeps its own module)."""

from feedback.web.citizen import home
from feedback.web.static_files import static_files

WEB_ROUTES = [static_files, home]
