"""Entry point for running several web processes under uvicorn:

    PAKN_SCHEDULER=off uvicorn --factory feedback.asgi:create --workers 4 --no-access-log

and run one `pakn scheduler` beside them: these workers never run the scheduler (only the CLI starts it,
docs/architecture.md), whatever PAKN_SCHEDULER says. Settings come from the environment as for
`pakn serve`.
Keep uvicorn's access log off: it prints query strings, and tracking links carry the citizen's secret
token there; pakn logs each request itself without it (logger `pakn.request`).
"""

import logging

from litestar import Litestar

from feedback.app import create_app
from feedback.settings import Settings


def create() -> Litestar:
    settings = Settings.from_env(require=("PAKN_SECRET_KEY",))
    if settings.scheduler:
        logging.getLogger("pakn").warning(
            "feedback.asgi does not run the scheduler: run `pakn scheduler` beside the web workers"
            " (and set PAKN_SCHEDULER=off to silence this)"
        )
    return create_app(settings)
