"""What a handler function gets besides the data. Imports nothing from IRIS."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Optional

from .settings import Settings


@dataclass(frozen=True)
class Context:
    """Settings, a logger, the hook or the pipeline arguments, and the units of work that failed."""

    settings: Settings  # context.settings.<name>, for each entry of config.CONFIGURATION
    server_settings: dict[str, Any]  # IRIS's own: http_proxy, https_proxy, ...
    log: logging.Logger
    hook: str = ""  # the IRIS hook being answered (processor modules)
    # The menu entry the analyst clicked, as IRIS passes it (hook_ui_name): one of the labels the
    # module registered the hook under (processor.py's registrations()); None for automatic hooks.
    menu_label: Optional[str] = None
    # The hook's facts (iris_hooks.py): the object kind ("ioc", "case"...), the phase ("preload",
    # "postload", "manual") and what the data list holds ("objects", "ids", "request_dict"...).
    kind: str = ""
    phase: str = ""
    shape: str = ""
    args: dict[str, Any] = field(default_factory=dict)  # what the user typed (pipeline modules)
    case_id: Optional[int] = None  # the case the files were uploaded to (pipeline modules)
    user_id: Optional[int] = None  # the user who ran the pipeline (pipeline modules)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (label, why), from isolate()
    scopes: list[tuple[str, str]] = field(default_factory=list)  # (label, unit) of each isolate() entered

    @contextmanager
    def isolate(self, label: str, unit: str = "object") -> Iterator[None]:
        """Work on one unit: if it fails, log and record why, and let the caller go on to the next.

            for ioc in iocs:
                with context.isolate(f"IOC {ioc.ioc_value!r}"):
                    ...

        The module reports the call as failed, naming each unit that failed and why. The status
        counts the units isolated, so a handler that splits its work otherwise than by object (one
        call to each of several services, say) names the unit: ``context.isolate(f"webhook {name!r}",
        unit="webhook")`` reports "1 of 2 webhook(s) processed". Without isolate() it counts the objects.
        """
        self.scopes.append((label, unit))
        try:
            yield
        except Exception as error:  # one unit's failure must not stop the others
            self.log.exception(f"{label} failed")
            self.failures.append((label, f"{type(error).__name__}: {error}"))
