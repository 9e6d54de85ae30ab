"""Files only the app's own user may read: the instance folder, the SQLite database, the
mail outbox and backups (password hashes, NGO contacts).

Modes are set explicitly, never left to the process umask: a folder is 0700, a file 0600.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) as a 0700 folder; an existing folder that others
    may read or enter loses those rights."""
    try:
        path.mkdir(mode=FOLDER_MODE, parents=True)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            try:
                os.chmod(path, mode & ~0o077)
            except PermissionError:
                log.warning("%s is readable by others (mode %o) and cannot be changed", path, mode)
    else:
        os.chmod(path, FOLDER_MODE)  # mkdir's mode went through the umask
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then it is left alone)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


@contextmanager
def private_replacement(path: Path) -> Iterator[Path]:
    """A new, empty 0600 file next to ``path`` to write into; when the block ends without
    an error it replaces ``path`` (an existing file of that name is overwritten, whatever
    its mode was), else it is removed and ``path`` stays as it was."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    partial = Path(name)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)
        yield partial
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
