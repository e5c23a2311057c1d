"""The logger of the function that runs the layer's code now.

On Lambda a process runs one function, and a module-level `Logger()` would do. The local
stack runs every function in one process: a logger made when a module is first imported
carries the first importer's service name, and the request id of that function's last call.
So the layer's code logs through `logger()`, which returns the Powertools logger of the
running function's service (`POWERTOOLS_SERVICE_NAME` read through `core.settings`, per
invocation): the same logging.Logger, handler and formatter as the function's own `Logger()`,
whose `inject_lambda_context` has put this call's function name and request id there."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from cityops.core.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger


def logger() -> Logger:
    return _logger(get_settings().service)


@cache
def _logger(service: str) -> Logger:
    from aws_lambda_powertools import Logger

    return Logger(service=service)
