"""Glue for a processor module: register the hooks the settings ask for, and dispatch to them."""

from dataclasses import dataclass
from typing import Callable, Optional

from iris_interface.IrisModuleInterface import IrisModuleTypes

from .base import ModuleBase
from .iris_db import iris_db
from .iris_hooks import facts
from .masking import masking_libraries
from .settings import SettingsError

# IRIS runs these hooks in the analyst's request and uses what they return as the request's data.
PRELOAD = "on_preload_"
MANUAL = "on_manual_trigger_"


@dataclass(frozen=True)
class Hook:
    """One IRIS hook the module answers: a row of the module class's hook table.

    The bool setting named like the hook switches it (config.py has one per row).
    """

    name: str  # IRIS's hook name, e.g. "on_postload_ioc_create"
    handler: Callable  # handler(data, context) -> the data, changed or not
    menu_label: Optional[str] = None  # manual hooks: the entry in the object's menu


@dataclass(frozen=True)
class Registration:
    """A hook as IRIS keeps it for the module: the hook's name and the label it was registered under.

    IRIS keeps one registration per hook and label (module_handler.py:366-370). A manual hook
    registered under two labels is two entries in the object's menu; IRIS hands the one clicked
    to the module (module_handler.py:545-547), and the handler reads it as ``context.menu_label``.
    """

    hook: str
    menu_label: Optional[str] = None  # the menu entry, for a manual hook; None for the others


class ProcessorModule(ModuleBase):
    _module_type = IrisModuleTypes.module_processor
    _pipeline_support = False
    _pipeline_info = {}
    hooks = ()

    def registrations(self, settings):
        """The hooks IRIS is to call the module for, and under which menu entries: the extension point.

        By default each row of the hook table whose switch is on, under the row's menu label.
        Override it in the module class to decide from settings of your own, e.g. a menu entry
        per service a JSON setting lists:

            def registrations(self, settings):
                return [Registration("on_manual_trigger_ioc", f"Send to {name}")
                        for name in json.loads(settings.targets) if settings.on_manual_trigger_ioc]

        Each hook needs a row in the hook table (its handler); a manual hook needs a label, and
        may have several. register_hooks makes IRIS's registrations these, and dispatch skips a
        call that is not one of them (a menu entry since removed, a switch turned off). Raise
        (SettingsError, say) when the settings do not say: the registrations stay as they were,
        and each call fails saying why.
        """
        return [Registration(hook.name, hook.menu_label) for hook in self.hooks if getattr(settings, hook.name)]

    def register_hooks(self, module_id):
        """Called by IRIS when the module is added, enabled or its settings are saved."""
        try:
            wanted = self.checked_registrations(self.settings())
        except Exception as error:  # settings that do not say (or an override that fails) must not raise into IRIS
            self.log.error(f"Registrations left as they were: {type(error).__name__}: {error}")
            return
        for hook in self.hooks:
            # IRIS deletes every registration of a hook at once (module_handler.py:403-411), and
            # register_hook looks one up by hook and label after the deletion (IRIS's session keeps
            # SQLAlchemy's autoflush: app/__init__.py:106) and commits both (module_handler.py:366-383):
            # deregistering, then registering each label, leaves exactly the labels wanted, a removed
            # menu entry gone, in one commit.
            self.deregister_from_hook(module_id=module_id, iris_hook_name=hook.name)
            labels = [row.menu_label for row in wanted if row.hook == hook.name]
            for label in labels:
                status = self.register_to_hook(module_id, iris_hook_name=hook.name, manual_hook_name=label)
                if status.is_failure():
                    self.log.error(f"Could not register to {hook.name}: {status.get_message()}")
                else:
                    self.log.info(f"Registered to {hook.name}" + (f" as {label!r}" if label else ""))
            if not labels:
                self.log.info(f"Deregistered from {hook.name}: switched off")
        # IRIS deletes a switched-off hook's row in its database session but never commits it
        # (module_handler.py:393-413), and the settings route commits before calling this
        # (manage_modules_routes.py:179-187): only a later new registration would save it
        # (module_handler.py:380-383), so whether a switch sticks would hang on the table's
        # order. Save it here: register_hooks runs in IRIS's web app, on IRIS's session.
        db = iris_db()
        if db is not None:  # outside IRIS there is no session to save
            db.session.commit()

    def checked_registrations(self, settings):
        """registrations(), without those IRIS could not call back: logged, and left out."""
        table = {hook.name for hook in self.hooks}
        kept = []
        for row in self.registrations(settings):
            if row.hook not in table:
                self.log.error(f"Not registered to {row.hook}: the hook table has no row (no handler) for it")
            elif row.hook.startswith(MANUAL) and not row.menu_label:
                # IRIS would make up a label (module_handler.py:350-354) that dispatch does not know.
                self.log.error(f"Not registered to {row.hook}: a manual hook needs a menu label")
            elif row not in kept:
                kept.append(row)
        return kept

    def hooks_handler(self, hook_name, hook_ui_name, data):
        """Called by IRIS for each hook the module registered; never raises.

        ``hook_ui_name`` is the label of the registration IRIS calls (the menu entry clicked, for
        a manual hook). IRIS saves what the handler changed on the objects whatever the status
        says: a failed call is not rolled back.
        """
        hook = next((row for row in self.hooks if row.name == hook_name), None)
        if hook is None:
            return self.error(f"{hook_name} is not in this module's hook table", data=data)
        try:
            context = self.context(hook=hook_name, menu_label=hook_ui_name, **facts(hook_name))
            if not answered(self.checked_registrations(context.settings), hook_name, hook_ui_name):
                # A guard: a task queued before the switch went off (or the menu entry was removed)
                # still comes, and so does a hook whose deregistration IRIS could not save.
                entry = f" from the menu entry {hook_ui_name!r}" if hook_ui_name else ""
                return self.success(f"{hook_name}{entry} is switched off: nothing done", data=data)
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
        return self.outcome(hook_name, len(data), context, result)

    def outcome(self, hook_name, count, context, result):
        """A success, or an error naming each unit that failed and why.

        The units are the isolate() scopes the handler entered, or the objects when it entered none.
        """
        failures = context.failures
        units = {unit for _, unit in context.scopes} or {"object"}
        unit = units.pop() if len(units) == 1 else "unit"
        count = len(context.scopes) or count
        if not failures:
            return self.success(f"{hook_name}: {count} {unit}(s) processed", data=result)
        done = f"{count - len(failures)} of {count} {unit}(s) processed, {len(failures)} failed"
        reasons = "; ".join(f"{label}: {why}" for label, why in failures)
        return self.error(f"{hook_name}: {done}: {reasons}", data=result)


def answered(registrations, hook_name, hook_ui_name):
    """Whether the module answers the hook under that label: IRIS always names the registration it
    calls (module_handler.py:545-547, 564); a call naming none, from a test or a script, takes any."""
    return any(row.hook == hook_name and hook_ui_name in (None, row.menu_label) for row in registrations)
