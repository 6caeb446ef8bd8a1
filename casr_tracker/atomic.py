"""Output files are written whole or not at all: reports, exports, backups and screenshots.

Every writer writes into a temporary file in the target's own folder (so the rename stays on one
file system), its own error state is checked by the caller, the bytes are flushed to the disk, and
only then is the temporary renamed over the target; on any failure the temporary goes and the
previous file stays as it was. A temporary left by a killed process names its process id, and the
next write into that folder removes it once that process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import CasrError, InputError, StorageError

PREFIX = ".casr-partial-"
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)-[0-9a-f]+")
#: what reports left behind before temporaries named their process (".report-3fa2c1d0e9b8.pdf")
_LEGACY = re.compile(r"\.report-[0-9a-f]{12}\.\w+$")
#: a temporary of a live process is never touched; a legacy one only when it is this old
_LEGACY_AGE_S = 600
_ANY_AGE_S = 24 * 3600


def check_target(path: str | Path) -> Path:
    """The file a writer may replace: not a folder, not a device or pipe, in a folder that exists."""
    if not str(path).strip():
        raise InputError("Give a file name to write to.")
    path = Path(path).expanduser()
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StorageError(f"{path} cannot be written: {exc.strerror or exc}.") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a folder; give a file name.")
    if info is not None and not stat.S_ISREG(info.st_mode) or _through_special(path):
        raise InputError(f"{path} is not a regular file (a device, pipe or socket); give a file name.")
    if not path.parent.is_dir():
        raise InputError(f"The folder {path.parent} does not exist.")
    return path


def _through_special(path: Path) -> bool:
    """True when `path` is, or links through, /proc or /dev (`/dev/stdout` → /proc/self/fd/1 → a file
    the shell opened: replacing that file would replace what the link names, not write to it)."""
    for _hop in range(40):
        if str(path.absolute()).startswith(("/proc/", "/dev/")):
            return True
        if not path.is_symlink():
            return False
        path = path.parent / os.readlink(path)
    return True


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a process id we can ask about: leave it
    return True


def sweep(folder: str | Path) -> list[Path]:
    """Remove the temporaries that killed writers left in `folder`; returns what was removed."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        ours = _OURS.match(name)
        if not ours and not _LEGACY.match(name):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            stale = (not _alive(int(ours.group(1))) or age > _ANY_AGE_S) if ours else age > _LEGACY_AGE_S
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _new_temporary(path: Path) -> Path:
    """An empty file beside `path`, made with mode 0o666 as any new file is, so the umask (and a
    folder's default ACL) gives the result its permissions (mkstemp would make it private)."""
    while True:
        name = path.parent / f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}{path.suffix}"
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return name


def _keep_permissions(target: Path, temporary: Path) -> None:
    """A file replaced keeps its mode (a private report stays private) and, where allowed, its owner."""
    try:
        before = target.stat()
    except FileNotFoundError:
        return
    os.chmod(temporary, stat.S_IMODE(before.st_mode))
    with contextlib.suppress(OSError):
        os.chown(temporary, before.st_uid, before.st_gid)


def _flush_to_disk(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def replacing(path: str | Path, what: str = "The file") -> Iterator[Path]:
    """Yield a temporary path to write into; when the block ends without an error, the temporary
    (flushed to the disk, not empty) replaces `path`. On an error, `path` is left as it was and a
    StorageError says so in one sentence (errors the writer raised as CasrError pass unchanged)."""
    target = check_target(path)
    if target.is_symlink():  # a link is written through: the file it names is replaced, the link stays
        target = check_target(os.path.realpath(target))
    sweep(target.parent)
    try:
        temporary = _new_temporary(target)
    except OSError as exc:
        raise StorageError(f"{what} could not be written to {target}: {exc.strerror or exc}.") from None
    try:
        try:
            yield temporary
        except CasrError as error:  # said of the temporary file: the user knows the target
            raise type(error)(str(error).replace(str(temporary), str(target))) from None
        _keep_permissions(target, temporary)
        _flush_to_disk(temporary)
        if temporary.stat().st_size == 0:
            raise StorageError(f"{what} could not be written to {target}: nothing was written.")
        os.replace(temporary, target)
        _flush_folder(target.parent)
    except OSError as exc:
        raise StorageError(f"{what} could not be written to {target}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def write_text(path: str | Path, text: str, what: str = "The file") -> Path:
    """Write `text` (UTF-8) to `path` atomically."""
    with replacing(path, what) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return Path(path)
