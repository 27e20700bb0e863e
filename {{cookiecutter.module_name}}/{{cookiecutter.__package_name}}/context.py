"""What a handler function gets besides the data. Imports nothing from IRIS."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Optional

from .settings import Settings


@dataclass(frozen=True)
class Context:
    """Settings, a logger, the hook or the pipeline arguments, and the objects that failed."""

    settings: Settings  # context.settings.<name>, for each entry of config.CONFIGURATION
    server_settings: dict[str, Any]  # IRIS's own: http_proxy, https_proxy, ...
    log: logging.Logger
    hook: str = ""  # the IRIS hook being answered (processor modules)
    args: dict[str, Any] = field(default_factory=dict)  # what the user typed (pipeline modules)
    case_id: Optional[int] = None  # the case the files were uploaded to (pipeline modules)
    user_id: Optional[int] = None  # the user who ran the pipeline (pipeline modules)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (label, why), from isolate()

    @contextmanager
    def isolate(self, label: str) -> Iterator[None]:
        """Work on one object: if it fails, log and record why, and let the caller go on to the next.

            for ioc in iocs:
                with context.isolate(f"IOC {ioc.ioc_value!r}"):
                    ...

        The module reports the call as failed, naming each object that failed and why.
        """
        try:
            yield
        except Exception as error:  # one object's failure must not stop the others
            self.log.exception(f"{label} failed")
            self.failures.append((label, f"{type(error).__name__}: {error}"))
