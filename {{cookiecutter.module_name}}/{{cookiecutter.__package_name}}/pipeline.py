"""Glue for a pipeline module: save uploads safely, then run the handler on each file."""

import shutil
from pathlib import Path

from iris_interface.IrisModuleInterface import IrisModuleTypes

from .base import ModuleBase
from .masking import masking_libraries
from .settings import SettingsError

# Files done with move here, so the next run of the pipeline does not process them again:
# IRIS keeps every upload of a case in the same folder and never cleans it.
PROCESSED_FOLDER = "processed"
REJECTED_FOLDER = "rejected"


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
        message = f"{len(results) - failed} of {len(results)} file(s) processed"
        return self.error(message, data=results) if failed else self.success(message, data=results)

    def _process(self, path, folder, context):
        try:
            inside(folder, path.name)
            summary = self.process_file(path, context)
        except Exception as error:  # one bad file must not stop the others
            self.log.exception(f"{path.name} failed")
            message = self.mask(f"{type(error).__name__}: {error}")  # the results are shown beside the status
            if context.settings.move_processed:  # or every later run would fail on it again
                message += f" (moved to {move_aside(path, folder, REJECTED_FOLDER)})"
            return {"file": path.name, "ok": False, "message": message}
        if context.settings.move_processed:
            move_aside(path, folder, PROCESSED_FOLDER)
        self.log.info(f"{path.name}: {summary}")
        return {"file": path.name, "ok": True, "message": self.mask(str(summary))}


def move_aside(path, folder, subfolder):
    """Move ``path`` into ``folder/subfolder``, where later runs do not look; return where it went."""
    target = folder / subfolder
    target.mkdir(exist_ok=True)
    shutil.move(str(path), str(target / path.name))
    return f"{subfolder}/{path.name}"


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
