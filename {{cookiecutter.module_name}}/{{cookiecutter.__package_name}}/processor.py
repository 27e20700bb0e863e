"""Glue for a processor module: register the hooks of the hook table and dispatch to them."""

from dataclasses import dataclass
from typing import Callable, Optional

from iris_interface.IrisModuleInterface import IrisModuleTypes

from .base import ModuleBase
from .iris_db import iris_db
from .masking import masking_libraries
from .settings import SettingsError

# IRIS runs these hooks in the analyst's request and uses what they return as the request's data.
PRELOAD = "on_preload_"


@dataclass(frozen=True)
class Hook:
    """One IRIS hook the module answers: a row of the module class's hook table.

    The bool setting named like the hook switches it (config.py has one per row).
    """

    name: str  # IRIS's hook name, e.g. "on_postload_ioc_create"
    handler: Callable  # handler(data, context) -> the data, changed or not
    menu_label: Optional[str] = None  # manual hooks: the entry in the object's menu


class ProcessorModule(ModuleBase):
    _module_type = IrisModuleTypes.module_processor
    _pipeline_support = False
    _pipeline_info = {}
    hooks = ()

    def register_hooks(self, module_id):
        """Called by IRIS when the module is added, enabled or its settings are saved."""
        settings = self.settings()
        for hook in self.hooks:
            if switched_on(settings, hook.name, self.log):
                status = self.register_to_hook(module_id, iris_hook_name=hook.name, manual_hook_name=hook.menu_label)
                if status.is_failure():
                    self.log.error(f"Could not register to {hook.name}: {status.get_message()}")
                else:
                    self.log.info(f"Registered to {hook.name}")
            else:
                self.deregister_from_hook(module_id=module_id, iris_hook_name=hook.name)
                self.log.info(f"Deregistered from {hook.name}: switched off")
        # IRIS deletes a switched-off hook's row in its database session but never commits it
        # (module_handler.py:393-413), and the settings route commits before calling this
        # (manage_modules_routes.py:179-187): only a later new registration would save it
        # (module_handler.py:380-383), so whether a switch sticks would hang on the table's
        # order. Save it here: register_hooks runs in IRIS's web app, on IRIS's session.
        db = iris_db()
        if db is not None:  # outside IRIS there is no session to save
            db.session.commit()

    def hooks_handler(self, hook_name, hook_ui_name, data):
        """Called by IRIS for each hook the module registered; never raises.

        IRIS saves what the handler changed on the objects whatever the status says: a
        failed call is not rolled back.
        """
        hook = next((row for row in self.hooks if row.name == hook_name), None)
        if hook is None:
            return self.error(f"{hook_name} is not in this module's hook table", data=data)
        try:
            context = self.context(hook=hook_name)
            if not getattr(context.settings, hook_name):
                # A guard: a task queued before the switch went off still comes, and so does a
                # hook whose deregistration IRIS could not save.
                return self.success(f"{hook_name} is switched off: nothing done", data=data)
            with masking_libraries(self.mask):
                result = hook.handler(data, context)
        except SettingsError as error:
            return self.error(f"{hook_name}: {error}", data=data)
        except Exception as error:  # a hook must not raise into IRIS: report it instead
            self.log.exception(f"{hook.handler.__name__} failed on {hook_name}")
            return self.error(f"{hook_name} failed: {type(error).__name__}: {error}", data=data)
        if not isinstance(result, list):
            message = f"{hook.handler.__name__} returned {type(result).__name__}, not the list of objects"
            return self.error(message, data=data)
        if PRELOAD in hook_name and not result:
            # IRIS replaces the request's data with the first element, outside its error
            # handling: an empty list would fail the analyst's request.
            message = f"{hook.handler.__name__} returned no object for {hook_name}; the request goes on unchanged"
            return self.error(message, data=data)
        return self.outcome(hook_name, len(data), context.failures, result)

    def outcome(self, hook_name, count, failures, result):
        """A success, or an error naming each object that failed and why."""
        if not failures:
            return self.success(f"{hook_name}: {count} object(s) processed", data=result)
        done = f"{count - len(failures)} of {count} object(s) processed, {len(failures)} failed"
        reasons = "; ".join(f"{label}: {why}" for label, why in failures)
        return self.error(f"{hook_name}: {done}: {reasons}", data=result)


def switched_on(settings, hook_name, log):
    """Whether the hook's switch is on; a switch that does not read is off, and says why."""
    try:
        return bool(getattr(settings, hook_name))
    except SettingsError as error:
        log.error(f"{hook_name} is switched off: {error}")
        return False
