"""Entry point for running several web processes under uvicorn:

    PAKN_SCHEDULER=off uvicorn --factory feedback.asgi:create --workers 4

(then run one `pakn scheduler` beside them). Settings come from the environment as for `pakn serve`.
"""

from litestar import Litestar

from feedback.app import create_app
from feedback.settings import Settings


def create() -> Litestar:
    return create_app(Settings.from_env(require=("PAKN_SECRET_KEY",)))
