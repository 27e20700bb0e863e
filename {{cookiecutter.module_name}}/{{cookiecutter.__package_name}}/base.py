"""What every module class of this package shares: settings, fresh statuses, and a clean exit.

IRIS builds a new instance of the module class for every call (adding the module, each
health check, each hook, each pipeline run), so nothing here may be slow or kept.
"""

import logging

from iris_interface.IrisInterfaceStatus import I2CodeError, I2CodeSuccess, IIStatus
from iris_interface.IrisModuleInterface import IrisModuleInterface

from .context import Context
from .settings import Settings

# The interface version {{ iris().name }} accepts (1.1 to 1.2.0), as a string: iris-interface
# types it so, and IRIS parses it as a version.
INTERFACE_VERSION = "1.2.0"


class ModuleBase(IrisModuleInterface):
    _interface_version = INTERFACE_VERSION

    def __init__(self):
        super().__init__()
        _forget_logger(self.log)
        self._secrets = _secret_values(self._module_configuration, self._dict_conf)
        if self._secrets:
            self.log.addFilter(_RedactSecrets(self._secrets))

    def settings(self):
        """The module's settings as the admin saved them; the defaults for those IRIS does not have."""
        stored = self.module_dict_conf
        # IRIS answers with the raw entry list when it has no configuration for the module yet.
        return Settings(self._module_configuration, stored if isinstance(stored, dict) else {})

    def context(self, hook="", args=None, case_id=None, user_id=None):
        return Context(
            settings=self.settings(),
            server_settings=self.server_dict_conf or {},
            log=self.log,
            hook=hook,
            args=dict(args or {}),
            case_id=case_id,
            user_id=user_id,
        )

    # iris-interface's I2Success / I2Error are shared objects that each call mutates, so
    # data and logs would leak from one call into the next: build a new status every time.
    # IRIS stores the status (message and logs) in its task table and shows it: no secrets.
    def success(self, message, data=None):
        message = redact(message, self._secrets)
        return IIStatus(code=I2CodeSuccess, message=message, data=data, logs=list(self.message_queue))

    def error(self, message, data=None):
        message = redact(message, self._secrets)
        self.log.error(message)
        return IIStatus(code=I2CodeError, message=message, data=data, logs=list(self.message_queue))


def _secret_values(configuration, stored):
    """The values of the module's sensitive_string settings, longest first."""
    if not isinstance(stored, dict):
        return ()
    names = {entry["param_name"] for entry in configuration if entry.get("type") == "sensitive_string"}
    return tuple(sorted({str(stored[name]) for name in names if stored.get(name)}, key=len, reverse=True))


def redact(text, secrets):
    for secret in secrets:
        text = text.replace(secret, "********")
    return text


class _RedactSecrets(logging.Filter):
    """Masks secret values in each log record, traceback included, before any handler sees it."""

    def __init__(self, secrets):
        super().__init__()
        self.secrets = secrets

    def filter(self, record):
        record.msg, record.args = redact(record.getMessage(), self.secrets), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def _forget_logger(logger):
    """Take the per-instance logger out of ``logging``'s registry; it keeps working.

    The base class names a new logger for every instance, and ``logging`` keeps every
    logger ever named, with a handler that holds the instance: in a worker that runs for
    days that is every instance IRIS ever built. Once forgotten, the logger, its handler
    and the instance go when IRIS drops the instance.
    """
    manager = logging.Logger.manager
    manager.loggerDict.pop(logger.name, None)
    placeholder = manager.loggerDict.get(logger.name.rpartition(".")[0])
    if isinstance(placeholder, logging.PlaceHolder):
        placeholder.loggerMap.pop(logger, None)
