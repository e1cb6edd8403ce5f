"""The server's log lines: repofolio's own (start-up, syncs, readiness) beside uvicorn's, in uvicorn's style.

uvicorn configures its own loggers only, so without this our INFO lines (a sync started or ended, the demo
loaded) went nowhere and our warnings reached stderr bare, through logging's last-resort handler.
"""

import copy
import logging.config
from typing import Any

from uvicorn.config import LOGGING_CONFIG

# The packages whose loggers are ours (each module logs under its own name, `logging.getLogger(__name__)`).
OUR_PACKAGES = ("db", "sync", "graph")


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration with our packages' loggers added at `level`, on uvicorn's handler
    (stderr) and formatter ("INFO:     sync run 3 started (SCHEDULE)")."""
    config = copy.deepcopy(LOGGING_CONFIG)
    numeric = level.upper()
    for package in OUR_PACKAGES:
        config["loggers"][package] = {"handlers": ["default"], "level": numeric, "propagate": False}
    return config


def configure_logging(level: str) -> dict[str, Any]:
    """Apply the configuration now (so lines logged before uvicorn starts, migrations say, are shown too)
    and return it for uvicorn, which applies it again in each process it runs."""
    config = log_config(level)
    logging.config.dictConfig(config)
    return config
