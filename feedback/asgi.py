"""Entry point for running several web processes under uvicorn:

    PAKN_SCHEDULER=off uvicorn --factory feedback.asgi:create --workers 4 --no-access-log --no-proxy-headers

(then run one `pakn scheduler` beside them). Settings come from the environment as for `pakn serve`;
like it, a process runs the scheduler unless PAKN_SCHEDULER=off (the CLI module says how to start it).
Keep uvicorn's access log off: it prints query strings, and tracking links carry the citizen's secret
token there; pakn logs each request itself without it (logger `pakn.request`). Keep uvicorn's proxy
headers off: it trusts X-Forwarded-For from 127.0.0.1 by default, and pakn takes the client address
only as PAKN_TRUSTED_PROXIES says (feedback/security/client.py). Log lines take their format from
PAKN_LOG_FORMAT once the app is built (feedback/logs.py). With several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder of their own so that /metrics sums every worker's
requests (feedback/metrics/requests.py; deploy/systemd/pakn-web.service).
"""

from litestar import Litestar

from feedback.app import create_app
from feedback.cli import background
from feedback.metrics.requests import prepare_directory
from feedback.settings import Settings


def create() -> Litestar:
    prepare_directory()  # PROMETHEUS_MULTIPROC_DIR, when set (feedback/metrics/requests.py)
    return create_app(Settings.from_env(require=("PAKN_SECRET_KEY",)), on_startup=background())
