"""What every module class of this package shares: settings, fresh statuses, and a clean exit.

IRIS builds a new instance of the module class for every call (adding the module, each
health check, each hook, each pipeline run), so nothing here may be slow or kept.
"""

import logging

from iris_interface.IrisInterfaceStatus import I2CodeError, I2CodeSuccess, IIStatus
from iris_interface.IrisModuleInterface import IrisModuleInterface

from . import settings as reading
from .context import Context
from .masking import Masker, MaskSecrets
from .settings import Settings

# The interface version {{ iris().name }} accepts (1.1 to 1.2.0), as a string: iris-interface
# types it so, and IRIS parses it as a version.
INTERFACE_VERSION = "1.2.0"


class ModuleBase(IrisModuleInterface):
    _interface_version = INTERFACE_VERSION
    # Bool settings that guard security: a stored word that is neither true nor false reads as on.
    security_switches = ("verify_tls",)
    # Secrets inside textfield_json settings: setting name -> the keys holding them (config.SECRET_FIELDS).
    secret_fields = {}

    def __init__(self):
        super().__init__()
        _forget_logger(self.log)
        settings = self.settings()
        self.mask = Masker([*reading.secrets(settings), *self.derived_secrets(settings)])
        if self.mask:
            self.log.addFilter(MaskSecrets(self.mask))

    def derived_secrets(self, settings):
        """Secrets the module makes from its settings (a token signed with a key, say), masked as the settings'
        own are. A secret URL's parts (its query's values, its userinfo) need nothing here: masking.py knows them."""
        return ()

    def settings(self):
        """The module's settings as the admin saved them, each read on its own; the defaults for those IRIS does not have.

        Not iris-interface's module_dict_conf: one value it cannot cast turns the whole
        configuration into its defaults there.
        """
        # IRIS's stored entries as iris-interface fetched them for this instance (read here, not
        # through get_configuration(), whose answer is a status object shared by every call);
        # None before the module is added.
        stored = self._mod_web_config
        stored = stored if isinstance(stored, list) else []
        return Settings(self._module_configuration, stored, self.security_switches, self.secret_fields)

    def context(self, args=None, case_id=None, user_id=None, **hook):
        """What a handler gets; SettingsError, before anything is done, when a setting does not read.

        ``hook``: what a processor's glue knows of the call (hook, menu_label, kind, phase, shape: context.py).
        """
        settings = self.settings()
        reading.check(settings)
        for note in reading.notes(settings):
            self.log.warning(note)
        return Context(
            settings=settings,
            server_settings=self.server_dict_conf or {},
            log=self.log,
            args=dict(args or {}),
            case_id=case_id,
            user_id=user_id,
            **hook,
        )

    # iris-interface's I2Success / I2Error are shared objects that each call mutates, so
    # data and logs would leak from one call into the next: build a new status every time.
    # IRIS stores the status (message and logs) in its task table and shows it: no secrets.
    def success(self, message, data=None):
        return IIStatus(code=I2CodeSuccess, message=self.mask(message), data=data, logs=list(self.message_queue))

    def error(self, message, data=None):
        message = self.mask(message)
        self.log.error(message)
        return IIStatus(code=I2CodeError, message=message, data=data, logs=list(self.message_queue))


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
