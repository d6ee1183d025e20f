"""Every web page handler, in one list for the app factory (each area keeps its own module)."""

from feedback.web.admin import ADMIN_ROUTES
from feedback.web.citizen import CITIZEN_ROUTES
from feedback.web.conferences import CONFERENCE_ROUTES
from feedback.web.demo import demo_mail_page
from feedback.web.desk import DESK_ROUTES
from feedback.web.documents import DOCUMENT_PAGES
from feedback.web.public_reports import PUBLIC_REPORT_ROUTES
from feedback.web.reports import REPORT_ROUTES
from feedback.web.staff import STAFF_ROUTES
from feedback.web.static_files import static_files
from feedback.web.tracking import TRACKING_ROUTES

WEB_ROUTES = [
    static_files,
    *CITIZEN_ROUTES,
    *TRACKING_ROUTES,
    *DESK_ROUTES,
    *STAFF_ROUTES,
    *REPORT_ROUTES,
    *ADMIN_ROUTES,
    *CONFERENCE_ROUTES,
    *DOCUMENT_PAGES,
    *PUBLIC_REPORT_ROUTES,
    demo_mail_page,
]
