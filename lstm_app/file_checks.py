"""The command line's files: what it says of one it cannot read or write (which file, and the
system's reason in the reader's language); the checks made before any work (an output's folder
is there, can be written and has room, and no output is a file the command reads or another
output); and the writing of an output, whole or not at all."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import secrets
import select
import shutil
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from .i18n import N_, tr
from .quoting import printable


# The C library's words for a file that cannot be read (English), as the catalog has them.
OS_ERRORS = {errno.ENOENT: N_("No such file or directory"), errno.EACCES: N_("Permission denied"), errno.EISDIR: N_("Is a directory"),
             errno.ENOTDIR: N_("Not a directory"), errno.ENOSPC: N_("No space left on device"),
             errno.EROFS: N_("Read-only file system"), errno.EPERM: N_("Operation not permitted"),
             errno.EEXIST: N_("File exists"), errno.EFBIG: N_("File too large"),
             errno.ENAMETOOLONG: N_("File name too long"),
             errno.ELOOP: N_("Too many levels of symbolic links")}
MIN_FREE = 1 << 20  # bytes an output's disk must have free before the work begins


def error_sentence(error: ValueError | OSError) -> str:
    """What the command line says of bad input, in the reader's language: the refusal's own
    sentence (already in it), or for a file that cannot be read, which file and why."""
    if isinstance(error, FileNotFoundError):
        folder = Path(error.filename).parent if error.filename else None
        if folder is not None and str(folder) not in ("", ".") and not folder.exists():
            return tr("There is no folder {path}; create it or give another path.",
                      path=f"'{printable(folder)}'")
        return tr("There is no file at {path}; check the path.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, FileExistsError) and error.filename:
        return tr("{path} is already there and is not a folder; give the name of a new folder.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, IsADirectoryError) and error.filename:
        return tr("{path} is a folder; give the path of a file in it.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, OSError) and error.strerror:
        return os_reason(error)
    return printable(str(error))


def check_writable(path) -> None:
    """Refuse, before any work, a file to write whose folder is not there, that is a folder
    (``error_sentence`` says which) or that cannot be written (opened to add to, and removed
    again where it was not there): a study or a training would otherwise run to its end
    first."""
    if path is None:
        return
    _no_folder_name(path)
    path = Path(path)
    if path.parent.exists() and not path.parent.is_dir():
        raise ValueError(tr("{folder} is a file, not a folder; give a path in a folder.",
                            folder=f"'{printable(path.parent)}'"))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if path.is_symlink() and not path.exists():  # a link to a file still to be written
        try:
            os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise ValueError(tr("{path} could not be written ({reason}); give another path.",
                                    path=f"'{printable(path)}'",
                                    reason=os_reason(error))) from None
        return check_writable(Path(os.path.realpath(path)))  # where it leads: said as such
    there = os.path.lexists(path)  # a link to nowhere is there: never replaced by a file
    if (there and not path.is_file()) or _stream(path) is not None:
        return  # a pipe, a device or this command's own output: written as it is, never tried
    try:  # opened without waiting, and created only where nothing was (then removed again)
        flags = os.O_WRONLY | os.O_NONBLOCK | (os.O_APPEND if there else os.O_CREAT | os.O_EXCL)
        os.close(os.open(path, flags, 0o644))
    except OSError as error:
        raise ValueError(tr("{path} cannot be created in its folder; give a path in a folder you "
                            "can write to.", path=f"'{printable(path)}'")
                         if error.errno == errno.ENOENT else
                         tr("{path} cannot be written ({reason}); give a path in a folder you "
                            "can write to.", path=f"'{printable(path)}'",
                            reason=os_reason(error))) from None
    if not there:
        path.unlink(missing_ok=True)
    else:  # the file is written beside it, then moved into its place: its folder must take one
        try:
            beside = _part_beside(Path(os.path.realpath(path)))
            os.close(os.open(beside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            beside.unlink()
        except OSError as error:
            raise ValueError(tr("{path} cannot be written ({reason}); give a path in a folder "
                                "you can write to.", path=f"'{printable(path)}'",
                                reason=os_reason(error))) from None
    free = shutil.disk_usage(path.parent).free
    if free < MIN_FREE:
        raise ValueError(tr("The disk that holds {path} has only {free:,} bytes free; make room "
                            "on it or give a path on another disk.", path=f"'{printable(path)}'",
                            free=free))


def output_path(text: str) -> Path:
    """An option's file to write, as argparse reads it: a Path, but not from a name ending in a
    slash (Path drops it, and a file was written where a folder was meant)."""
    if text == "-":  # elsewhere the screen; written as a file of that name, it was lost from view
        raise argparse.ArgumentTypeError(tr(
            "'-' is not taken as a file's name: to print to the screen, give {path} (or leave "
            "the option out where the command prints by itself).", path="/dev/stdout"))
    try:
        _no_folder_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return Path(text)


def _no_folder_name(path) -> None:
    if os.fspath(path).endswith(("/", os.sep)) and not Path(path).is_dir():
        raise ValueError(tr("{path} ends in a slash, as a folder's name does; give the path of "
                            "a file, its name after the slash.", path=f"'{printable(path)}'"))


def write_output(path, data: str | bytes) -> None:
    """Write an output file whole or not at all: into a new file beside it, then moved into its
    place, so that a write that fails (a full disk, a size limit) leaves the file that was
    there as it was and no cut-off file; a link's file is replaced and the link kept. A pipe or
    a device (/dev/stdout) is written as it is. A failure is one sentence (a ValueError)."""
    path = Path(path)
    data = data.encode("utf-8") if isinstance(data, str) else data
    refused = lambda error: ValueError(tr(
        "{path} could not be written ({reason}); give another path.",
        path=f"'{printable(path)}'", reason=os_reason(error)))
    try:
        if _written_as_it_is(path, data):
            return
    except BrokenPipeError:  # the reader took what it wanted (| head): said by ended_early
        raise
    except OSError as error:  # a loop of links, /dev/full
        raise refused(error) from None
    target = Path(os.path.realpath(path))
    part, existed = _part_beside(target), target.exists()
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if existed:
            with contextlib.suppress(OSError):  # a file system without modes (vfat)
                shutil.copymode(target, part)
        try:
            os.replace(part, target)
        except PermissionError:  # someone else's file in a shared folder (/tmp): in place
            if not existed:
                raise
            part.unlink()
            try:
                target.write_bytes(data)
            except OSError as error:
                raise refused(error) from None
    except OSError as error:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise _unwritten(path, error, existed) from None
    except BaseException:  # an interrupt: no part file is left behind
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise


def _written_as_it_is(path: Path, data: bytes) -> bool:
    """Write ``data`` straight to ``path`` where it is no file to replace: this process's own
    output (/dev/stdout, or the file the shell sends it to: >> log) through its stream, a
    device or a pipe opened as it is; whether it was one."""
    stream = _stream(path)
    if stream is not None:
        shown = sys.stdout if stream == 1 else sys.stderr
        if shown is not None:  # (None where the stream was closed: >&-)
            shown.flush()
        written = memoryview(data)
        while written:
            written = written[os.write(stream, written):]
        return True
    try:
        held = os.stat(path)  # what a link leads to
    except FileNotFoundError:  # a new file, or a link to one still to be written
        return False
    if stat.S_ISREG(held.st_mode):
        return False
    with open(path, "wb") as out:  # a device, a pipe
        out.write(data)
    return True


ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}  # errors that more room on the disk mends


def _unwritten(path, error: OSError, existed: bool) -> ValueError:
    """Why an output could not be written, with what was kept and what to do."""
    values = dict(path=f"'{printable(path)}'", reason=os_reason(error))
    room = error.errno in ROOM
    if existed:
        return ValueError(tr("{path} could not be written ({reason}); the file that was there "
                             "is kept as it was. Give another path, or make room on its disk.",
                             **values) if room else
                          tr("{path} could not be written ({reason}); the file that was there "
                             "is kept as it was. Give another path.", **values))
    return ValueError(tr("{path} could not be written ({reason}); give another path, or make "
                         "room on its disk.", **values) if room else
                      tr("{path} could not be written ({reason}); give another path.", **values))


def ended_early(error: OSError) -> int | None:
    """1 where ``error`` is the command's reader going away (``| head`` on its output): nothing
    more is written, nor said (the reader has what it asked for), and Python's own attempt to
    flush at exit is sent nowhere. None for any other error (a broken pipe to a worker is said
    as one)."""
    if not isinstance(error, BrokenPipeError) or not _reader_gone(1):
        return None
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def _reader_gone(stream: int) -> bool:
    """Whether ``stream`` is a pipe whose reading end was closed."""
    try:
        watch = select.poll()
        watch.register(stream, select.POLLOUT)
        return any(events & select.POLLERR for _, events in watch.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll here
        return False


def _part_beside(target: Path) -> Path:
    """A new file's name in ``target``'s folder, short whatever the target's name."""
    return target.parent / f".lstm-studio-{secrets.token_hex(6)}.part"


def _stream(path) -> int | None:
    """1 or 2 where ``path`` is where this process's output or error goes (/dev/stdout, or
    the file the shell sends it to: written through the stream, never replaced); else None."""
    try:
        held = os.stat(path)
    except (OSError, ValueError):
        return None
    for stream in (1, 2):
        try:
            if os.path.samestat(held, os.fstat(stream)):
                return stream
        except OSError:
            continue
    return None


def check_apart(written: dict, read: Iterable) -> None:
    """Refuse, before any work, a file to write (``written``: its option, its path) that is one
    of the files the command reads, or that another option writes too: the user's data would be
    replaced by a report, or one output by the other."""
    def same(a, b) -> bool:
        try:
            return os.path.samefile(a, b)
        except OSError:  # one is not there yet (or a loop of links): the same only by name
            return os.path.realpath(a) == os.path.realpath(b)

    # A device or a pipe (/dev/null, /dev/stdout) takes any number of writers: never refused
    named = [(option, path) for option, path in written.items() if path is not None
             and (os.path.isfile(path) or not os.path.exists(path))]
    for at, (option, path) in enumerate(named):
        for other, earlier in named[:at]:
            if same(path, earlier):
                raise ValueError(tr("{option} and {other} name the same file; give each its own "
                                    "path.", option=other, other=option))
        if any(source is not None and os.path.isfile(source) and same(path, source)
               for source in read):
            raise ValueError(tr("{option} names {path}, a file this command reads: writing it "
                                "would replace it. Give another path.", option=option,
                                path=f"'{printable(path)}'"))


DATABASE_URL_VARIABLE = "LSTM_APP_DATABASE_URL"  # a database of runs outside the store's folder


def default_home() -> Path:
    """The run store's folder: $LSTM_APP_HOME, or ./lstm_runs where it is not set or set to
    nothing (a blank ``LSTM_APP_HOME=`` would otherwise put the store in whatever folder the
    app starts in). Here, not in runs, so that predict (no PyTorch) can keep out of it too."""
    return Path(os.environ.get("LSTM_APP_HOME", "").strip() or "lstm_runs")


def check_outside(written: dict, folder) -> None:
    """Refuse, before any work, a file to write (``written``: its option, its path) inside
    ``folder``, the run store: a CSV written over its database or a run's weights would damage
    the saved runs."""
    home, database = os.path.realpath(folder), _database_files()
    for option, path in written.items():
        real = os.path.realpath(path) if path is not None else None
        if real is not None and (real == home or real.startswith(home + os.sep)
                                 or real in database):
            raise ValueError(tr("{option} names {path}, inside the run store ({folder}): "
                                "writing it would damage the saved runs. Give a path outside "
                                "it.", option=option, path=f"'{printable(path)}'",
                                folder=f"'{printable(folder)}'"))


def _database_files() -> list[str]:
    """The SQLite file $LSTM_APP_DATABASE_URL names outside the store's folder (sqlite:///PATH),
    with its journal files, as real paths; none for PostgreSQL or the store's own file."""
    scheme, _, rest = os.environ.get(DATABASE_URL_VARIABLE, "").strip().partition("://")
    if scheme.lower() != "sqlite" or len(rest) < 2 or not rest.startswith("/"):
        return []
    path = os.path.realpath(os.path.expanduser(rest[1:].split("?")[0]))
    return [path + end for end in ("", "-wal", "-shm", "-journal")]


def os_reason(error: OSError) -> str:
    """Why the system could not read a file, in the reader's language where the catalog has
    the C library's words (English otherwise)."""
    known = OS_ERRORS.get(error.errno)
    return printable(tr(known) if known and error.strerror == known else error.strerror or "")
