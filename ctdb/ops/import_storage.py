"""Where an admin import's file waits between its preview and its confirmation.

import-export writes the upload to a temp file at the preview and reads it
back, then deletes it, at the confirmation, by the name the confirmation
form posts. ImportFileStorage keeps those files apart and their bytes exact:

* each file is `ctdb-import-<32 hex digits>` in its own folder of the temp
  dir (IMPORT_DIR_NAME), readable by this process's user only; a name of
  any other shape (a path, `../x`) is refused before any file is opened, so
  a forged name can reach no other file (ctdb.ops.import_guard also refuses
  a name that the session confirming it was not issued);
* a file is read back as bytes and decoded without newline translation, so
  a "\\r\\n" inside a quoted cell arrives as "\\r\\n" (text mode made it "\\n");
* files older than CTDB_IMPORT_TEMP_MAX_AGE_SECONDS, previews never
  confirmed, are swept on every new upload (and by
  `manage.py clean_import_files`);
* beside a file, its job's progress (`<name>.progress`: rows done and rows
  in all), written by the import worker while the job's transaction is
  open, and read by the editor's page (write_progress, read_progress).

The folder is CTDB_IMPORT_DIR, else "ctdb-imports" in the temp dir: the web
server and the import worker must share it.
"""

import os
import re
import stat
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from import_export.tmp_storages import BaseStorage

IMPORT_DIR_NAME = "ctdb-imports"
NAME_PREFIX = "ctdb-import-"
NAME = re.compile(rf"{NAME_PREFIX}[0-9a-f]{{32}}")
PROGRESS_SUFFIX = ".progress"
DEFAULT_MAX_AGE_SECONDS = 6 * 3600


class InvalidImportFileName(ValueError):
    """A file name that ImportFileStorage never gives out."""


def is_valid_name(name):
    return isinstance(name, str) and NAME.fullmatch(name) is not None


def import_dir(create=False):
    """The folder of the waiting import files (looked up each time so that
    tests may move it)."""
    configured = getattr(settings, "CTDB_IMPORT_DIR", "")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / IMPORT_DIR_NAME
    if create:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        # In a shared temp dir another user could have made the folder first, or a link in its place.
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise ImproperlyConfigured(f"{folder} is not a folder of this user's; remove it.")
    return folder


def max_age_seconds():
    return int(getattr(settings, "CTDB_IMPORT_TEMP_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def sweep(max_age=None, now=None):
    """Delete the import files older than `max_age` seconds (default:
    CTDB_IMPORT_TEMP_MAX_AGE_SECONDS); return the names deleted. Nothing but
    ImportFileStorage's own files is looked at."""
    folder = import_dir()
    if not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - (max_age_seconds() if max_age is None else max_age)
    removed = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not is_valid_name(entry.name.removesuffix(PROGRESS_SUFFIX)) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.remove(entry.path)
                    removed.append(entry.name)
            except FileNotFoundError:
                pass  # confirmed, or swept by another process, meanwhile
    return removed


class ImportFileStorage(BaseStorage):
    """import-export's temp storage for admin imports (IMPORT_EXPORT_TMP_STORAGE_CLASS)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not is_valid_name(self.name):
            raise InvalidImportFileName(self.name)

    def path(self):
        return import_dir() / self.name

    def exists(self):
        return self.name is not None and self.path().is_file()

    def save(self, data):
        sweep()
        folder = import_dir(create=True)
        self.name = f"{NAME_PREFIX}{uuid.uuid4().hex}"
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        descriptor = os.open(folder / self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self):
        data = self.path().read_bytes()
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self):
        if self.name is not None:
            self.path().unlink(missing_ok=True)
            clear_progress(self.name)


def progress_path(name):
    if not is_valid_name(name):
        raise InvalidImportFileName(name)
    return import_dir() / f"{name}{PROGRESS_SUFFIX}"


def write_progress(name, done, total):
    """Record that `done` of `total` rows of file `name` are through (atomically:
    a reader sees the old figures or the new, never half a file)."""
    path = progress_path(name)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_text(f"{done} {total}")
    os.replace(partial, path)


def clear_progress(name):
    progress_path(name).unlink(missing_ok=True)


def read_progress(name):
    """(done, total, when reported: a timestamp) for file `name`, or None before the first report."""
    path = progress_path(name)
    try:
        done, total = path.read_text().split()
        return int(done), int(total), path.stat().st_mtime
    except (FileNotFoundError, ValueError):
        return None
