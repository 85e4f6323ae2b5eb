"""Files written atomically: a temporary file next to the target, then a rename over it.

A reader sees the old file or the new one, never half of one; a full disk or an error leaves the
old file as it was. The temporary is named ``.<target>.tmp-<tag>-<pid>-<random>``. A write
killed before the rename leaves it behind; the next write of the same target on the same
machine deletes it once its process is gone. Model files (``nn.io``), ``History.to_csv`` and
the command line's metrics all write through ``write_text``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import stat


def check_path(path, what: str) -> str:
    """path as a str, or a TypeError naming ``what`` for anything but a str or os.PathLike."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: path must be a str or os.PathLike, got {type(path).__name__} {path!r}")
    return os.fspath(path)


def write_text(path, text: str, what: str, kind: str, example: str) -> None:
    """Write ``text`` (UTF-8) to the file ``path`` atomically, refusing a directory, naming ``what``.

    ``kind`` says what the file is (``'model file'``) and ``example`` is the name suggested when
    ``path`` is a directory (``'model.json'``). The bytes are on disk (fsync) before the rename
    makes them visible. A new file gets the usual mode (0o666 less the umask); a replaced one
    keeps its own.
    """
    path = check_path(path, what)
    is_dir = bool(path) and os.path.isdir(path)
    if not path or path.endswith(("/", os.sep)) or is_dir:
        problem = ("the path is empty" if not path
                   else f"{path!r} {'is' if is_dir else 'names'} a directory, not a {kind}")
        raise ValueError(f"{what}: {problem}; give a file path such as {os.path.join(path, example)!r}")
    folder, base = os.path.split(os.path.abspath(path))
    _remove_stale_temporaries(folder, base)  # before writing: the space they hold may be what this write needs
    tmp = os.path.join(folder, f"{_temporary_prefix(base)}{os.getpid()}-{secrets.token_hex(8)}")
    mode = _existing_mode(path)
    # O_EXCL never writes through a file someone else made.
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:  # named by the user's path, not the temporary's
        reason = (exc.strerror if os.path.isdir(folder) else
                  f"its folder {folder!r} {'is not a directory' if os.path.exists(folder) else 'does not exist'}")
        raise type(exc)(exc.errno, f"{what}: cannot write {path!r}: {reason}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)  # a replaced file keeps its own bits, whatever the umask
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half of one
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _temporary_prefix(base: str) -> str:
    """The start of the temporaries' names for target ``base``.

    The tag says which writes may clean one up: those of this target name on this machine (a
    process id means something only on its own machine).
    """
    tag = hashlib.sha256(f"{socket.gethostname()}\0{base}".encode()).hexdigest()[:12]
    return f".{base[:64]}.tmp-{tag}-"


def _temporary_pattern(base: str) -> re.Pattern:
    return re.compile(re.escape(_temporary_prefix(base)) + r"(?P<pid>[0-9]+)-[0-9a-f]{16}")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _remove_stale_temporaries(folder: str, base: str) -> None:
    """Delete the temporaries that earlier writes of this target left when they were killed before the rename.

    Only files named as write_text names them, for this target and this machine, and only when
    the process that wrote each one is gone; a write still running elsewhere keeps its file.
    """
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return
    pattern = _temporary_pattern(base)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _process_alive(int(match["pid"])):
            continue
        try:
            os.unlink(os.path.join(folder, name))
        except OSError:  # already gone (another save cleaned it) or not ours to delete: leave it
            pass


def _existing_mode(path: str) -> int | None:
    """The permission bits of the regular file a write replaces (it keeps them, as open(path, 'w') would), else None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
