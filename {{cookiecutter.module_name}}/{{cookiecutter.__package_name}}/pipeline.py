"""Glue for a pipeline module: save uploads safely, then run the handler on each file."""

import itertools
import os
from datetime import datetime, timezone
from pathlib import Path

from iris_interface.IrisModuleInterface import IrisModuleTypes

from .base import ModuleBase
from .masking import masking_libraries
from .settings import SettingsError

# Files done with move here, so the next run of the pipeline does not process them again:
# IRIS keeps every upload of a case in the same folder and never cleans it. A run first
# takes each file into processing/, under a name of its own: a run at the same time then
# finds the file gone and skips it, and a later upload of the same name overwrites nothing.
PROCESSING_FOLDER = "processing"
PROCESSED_FOLDER = "processed"
REJECTED_FOLDER = "rejected"
SKIPPED = "skipped: no longer in the upload folder (another run took it, or it was removed)"
MESSAGE_LIMIT = 1000  # characters of an error in the status: IRIS stores and shows it whole


class PipelineModule(ModuleBase):
    _module_type = IrisModuleTypes.module_pipeline
    _pipeline_support = True

    accepted_suffixes = ()  # set by the module class: the file kinds process_file reads; empty takes any

    @staticmethod
    def process_file(path, context):
        """Set by the module class to the handler function that processes one file."""
        raise NotImplementedError

    def pipeline_files_upload(self, base_path, file_handle, case_customer, case_name, is_update):
        """Called by IRIS in the web request for each uploaded file: save it, nothing more."""
        suffix = Path(file_handle.filename).suffix.lower()
        if self.accepted_suffixes and suffix not in self.accepted_suffixes:
            kinds = ", ".join(self.accepted_suffixes)
            return self.error(f"{file_handle.filename!r} was not saved: this pipeline reads {kinds} files")
        try:
            target = inside(Path(base_path), file_handle.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            file_handle.save(str(target))
        except Exception as error:
            self.log.exception("Upload failed")
            return self.error(f"Could not save {file_handle.filename!r}: {error}")
        return self.success(f"Saved {target.name}")

    def pipeline_handler(self, pipeline_type, pipeline_data):
        """Called by IRIS in the worker when the user runs the pipeline on the case."""
        args = pipeline_data.get("pipeline_args") or {}
        missing = [
            name for name, need in self._pipeline_info["pipeline_args"] if need == "required" and not args.get(name)
        ]
        if missing:
            return self.error(f"Missing required pipeline argument(s): {', '.join(missing)}")
        folder = Path(pipeline_data["path"])
        try:
            context = self.context(args, case_id=pipeline_data.get("case_id"), user_id=pipeline_data.get("user_id"))
        except SettingsError as error:  # the files stay where they are, for the run after the fix
            return self.error(str(error))
        with masking_libraries(self.mask):
            results = [self._process(path, folder, context) for path in waiting_files(folder)]
        failed = sum(1 for result in results if not result["ok"])
        skipped = sum(1 for result in results if result["message"] == SKIPPED)
        message = f"{len(results) - failed - skipped} of {len(results)} file(s) processed"
        if skipped:
            message += f", {skipped} skipped"
        return self.error(message, data=results) if failed else self.success(message, data=results)

    def _process(self, path, folder, context):
        name, moving = path.name, context.settings.move_processed
        if moving:
            try:
                path = take(path, folder)
            except FileNotFoundError:  # another run took it first, or it was removed: not this run's file
                return {"file": name, "ok": True, "message": SKIPPED}
            except OSError as error:
                return {"file": name, "ok": False, "message": f"could not be taken: {shorten(str(error))}"}
        try:
            inside(folder, str(path.relative_to(folder)))  # a link is followed from where it is now
            summary = self.process_file(path, context)
        except Exception as error:  # one bad file must not stop the others
            self.log.exception(f"{name} failed")
            # The results are shown beside the status: masked like it.
            message = self.mask(f"{type(error).__name__}: {shorten(str(error))}")
            result = {"file": name, "ok": False, "message": message}
            if moving:  # or every later run would fail on it again
                result["kept"], note = set_aside(path, folder, REJECTED_FOLDER)
                result["message"] += f" ({note})"
            return result
        self.log.info(f"{name}: {summary}")
        result = {"file": name, "ok": True, "message": self.mask(str(summary))}
        if moving:
            result["kept"], note = set_aside(path, folder, PROCESSED_FOLDER)
            if result["kept"] is None:
                result["message"] += f" ({note})"
        return result


def take(path, folder):
    """Move ``path`` into ``folder/processing/`` under a name of its own; return where it is now.

    Renaming is atomic: of two runs taking the same file, one gets FileNotFoundError.
    """
    (folder / PROCESSING_FOLDER).mkdir(exist_ok=True)
    taken = folder / PROCESSING_FOLDER / kept_name(path.name, folder)
    os.rename(path, taken)
    return taken


def kept_name(name, folder):
    """``<stem>-<UTC time><suffix>``, with -2, -3... when a file kept in ``folder`` has that name already."""
    stem, suffix = os.path.splitext(name)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for number in itertools.count(1):
        candidate = f"{stem}-{stamp}{suffix}" if number == 1 else f"{stem}-{stamp}-{number}{suffix}"
        kept = (folder / subfolder / candidate for subfolder in (PROCESSING_FOLDER, PROCESSED_FOLDER, REJECTED_FOLDER))
        if not any(os.path.lexists(path) for path in kept):
            return candidate


def set_aside(path, folder, subfolder):
    """Move a taken file into ``folder/subfolder``, where later runs do not look.

    Returns where it is now, relative to ``folder`` (None when it could not be moved), and a note saying so.
    """
    try:
        (folder / subfolder).mkdir(exist_ok=True)
        os.rename(path, folder / subfolder / path.name)
    except OSError as error:  # gone, or the folder is not writable: the run still ends with a status
        return None, f"not moved to {subfolder}/: {shorten(str(error))}"
    return f"{subfolder}/{path.name}", f"moved to {subfolder}/{path.name}"


def shorten(text, limit=MESSAGE_LIMIT):
    return text if len(text) <= limit else text[:limit] + "..."


def waiting_files(folder):
    """The files in the upload folder, by name; sub-folders (processed/) are left alone."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.is_file() or path.is_symlink())


def inside(folder, name):
    """``folder/name``, refused when it would resolve outside ``folder`` (``..``, links)."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()) or target == folder.resolve():
        raise PermissionError(f"{name!r} is outside the upload folder")
    return folder / name
