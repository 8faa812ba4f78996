"""Working folders and locks of a run, named so that nothing but their own run ever matches them.

A working folder is `PREFIX<pid>-<random>` with a marker file inside naming
the same process: the prefix is compared as text (never as a glob, so an
`--out` of `runs/*` is just a strange name), and a later run removes a
leftover only when the marker proves this tool wrote it and its process is
gone (killed). A live run's folder is never touched, whoever's it is.

Two runs writing the same `--out` at once are told apart by an exclusive
lock (`flock`) on a file named after the folder's absolute path, in the
temporary directory: the second exits 2 at once. The kernel drops the lock
of a killed process, and the lock file is removed by whoever holds it last.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from holdings.problems import InputError, Problem

MARKER = ".portfolio-work"
LOCK_PREFIX = "portfolio-out-"
_held: dict[str, int] = {}  # lock file -> how many nested holders in this process


def owned_name(parent: Path, prefix: str) -> Path:
    """The path `parent/PREFIX<pid>-<random>` of a folder this process will own (nothing is created).

    Naming comes first so that a caller can enter its clean-up block before
    the folder exists: an interruption while creating it is then cleaned too.
    """
    return parent / f"{prefix}{os.getpid()}-{uuid.uuid4().hex}"


def own(folder: Path) -> Path:
    """Create `folder` with its marker; the caller removes it.

    A process killed between the two leaves an empty folder, which `clear_dead` removes too.
    """
    folder.mkdir()
    (folder / MARKER).write_text(str(os.getpid()), encoding="ascii")
    return folder


def owned_dir(parent: Path, prefix: str) -> Path:
    """Create a folder `owned_name` names, with its marker; the caller removes it."""
    return own(owned_name(parent, prefix))


def release_marker(folder: Path) -> None:
    """Remove the marker before the folder is moved into place (it is no longer work)."""
    (folder / MARKER).unlink(missing_ok=True)


def clear_dead(parent: Path, prefix: str) -> None:
    """Remove `PREFIX<pid>-<random>` folders of `parent` whose marker names a process that is gone."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-[0-9a-f]{32}")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        if _alive(int(match.group(1))):
            continue
        try:
            owner = (Path(entry.path) / MARKER).read_text(encoding="ascii")
            contents = set(os.listdir(entry.path))
        except (OSError, UnicodeDecodeError):
            owner, contents = None, {""}
        if owner == match.group(1) or contents <= {MARKER}:  # marked, or killed before its marker was whole
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):  # killed between its creation and its marker: empty, else kept
                os.rmdir(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A working folder in the temporary directory for the block; leftovers of killed runs cleared first."""
    parent = Path(tempfile.gettempdir())
    clear_dead(parent, prefix)
    folder = owned_name(parent, prefix)
    try:
        own(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lock_path(out: Path) -> Path:
    """The lock file of a run folder: named after its absolute path."""
    key = hashlib.sha256(str(Path(os.path.abspath(out)).resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"{LOCK_PREFIX}{key[:32]}.lock"


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold the exclusive lock of `out` for the block (nested holds in one process are one); exit 2 if taken."""
    path = lock_path(out)
    key = str(path)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    descriptor = _take(path, out)
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        try:
            path.unlink(missing_ok=True)  # while still holding it: a waiting run finds a new file to lock
        finally:
            os.close(descriptor)


def _take(path: Path, out: Path) -> int:
    """Lock `path` (created if missing) and return its descriptor; `InputError` if another process holds it."""
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise InputError(Problem(str(path.parent), 1, "", error.strerror or type(error).__name__,
                                     "a writable temporary directory (TMPDIR) for the lock of --out")) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise InputError(Problem(str(out), 1, "", "a folder another run is writing at this moment",
                                     "one run at a time per --out folder (wait for it, or choose another)")) from None
        try:
            same = os.fstat(descriptor).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return descriptor
        os.close(descriptor)  # the holder removed the file as we locked it: lock the new one
