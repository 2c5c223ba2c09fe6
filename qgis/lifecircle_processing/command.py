# qgis/lifecircle_processing/command.py — runs the `lifecircle` command for the Processing
# algorithms: finds it, starts it with --progress-lines, hands its progress, messages and output
# to callbacks while it runs, and stops it (removing its unfinished output) when the user cancels.
# No QGIS import here, so it is tested with plain Python (tests/qgis/test_command.py); the
# algorithms (base.py) turn Processing parameters into the argument list.
#
# Why a subprocess and not the library through ctypes: the command is the library's one tested
# front end (cli/ parses, run/ computes), its options are what docs/reference.md documents, and a crash or
# a leak in a long run cannot take QGIS down with it. Cancelling is stopping the process.

import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time

# Exit codes of the command (cli/cli.h): 0 all good, 1 some norm fails, 2 bad input or error.
EXIT_OK = 0
EXIT_FAILS = 1
EXIT_ERROR = 2

# Where the plugin looks for the command when neither the Processing setting nor $LIFECIRCLE names
# it: PATH, then the places scripts/quickstart.sh and `meson install` put it.
_FALLBACKS = ('/usr/local/bin/lifecircle', '/usr/bin/lifecircle')

_PROGRESS = re.compile(r'^lifecircle: progress: (\d+) (.*)$')
_MESSAGE = re.compile(r'^lifecircle(?: [a-z]+)?: (debug|info|note|warning|error): (.*)$')


class CommandError(Exception):
    """The command could not be found or started."""


def find_command(setting=None):
    """The path of the `lifecircle` executable: setting (the provider's Processing option) when it
    names a file, else $LIFECIRCLE, else the first `lifecircle` on PATH, else a fallback location.
    Raises CommandError naming where it looked."""
    tried = []
    for candidate in (setting, os.environ.get('LIFECIRCLE')):
        if candidate:
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)
            tried.append(candidate)
    found = shutil.which('lifecircle')
    if found:
        return found
    for candidate in _FALLBACKS:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        tried.append(candidate)
    raise CommandError('cannot find the lifecircle command 找不到 lifecircle 命令 (tried %s and PATH): build it '
                       '(scripts/quickstart.sh) and set its path under Settings > Options > Processing > '
                       'Providers > lifecircle, or in $LIFECIRCLE' % ', '.join(tried))


def parse_line(line):
    """Classifies one line the command wrote on stderr: ('progress', percent, stage) for a
    --progress-lines line, (level, text) for a message ('error', 'warning', 'note', 'info',
    'debug'), else ('text', line)."""
    m = _PROGRESS.match(line)
    if m:
        return ('progress', int(m.group(1)), m.group(2))
    m = _MESSAGE.match(line)
    if m:
        return (m.group(1), m.group(2))
    return ('text', line)


def _unfinished(path):
    """The temporary and old copies lc_output_begin/commit may leave beside path: the names
    '<base>.tmp-XXXXXX' and '<base>.old-XXXXXX' in its parent directory (outputs/atomic_dir.c)."""
    if not path or path.upper().startswith('PG:'):
        return set()
    path = os.path.abspath(path)
    parent, base = os.path.split(path.rstrip('/'))
    try:
        names = os.listdir(parent)
    except OSError:
        return set()
    pattern = re.compile(re.escape(base) + r'\.(tmp|old)-[A-Za-z0-9]{6}$')
    return {os.path.join(parent, n) for n in names if pattern.match(n)}


def run(argv, on_progress=None, on_message=None, on_stdout=None, is_canceled=None, outputs=(), env=None,
        poll=0.2):
    """Runs argv (the command first) until it ends or is_canceled() turns true.

    on_progress(percent, stage) gets each progress line, on_message(level, text) every other stderr
    line, on_stdout(line) every stdout line, as they come (all called from this thread). outputs
    are the directories the run writes (output and report): when the run is cancelled, the process
    is sent SIGTERM (SIGKILL after 5 s) and the '<dir>.tmp-XXXXXX' directories it left beside them
    are removed, so a cancelled run leaves what was there before, as a failed one does.
    Returns (exit code, None) or (None, 'canceled'). Raises CommandError if it cannot start."""
    before = set()
    for d in outputs:
        before |= _unfinished(d)
    full_env = dict(os.environ if env is None else env)
    full_env.setdefault('LC_ALL', 'C.UTF-8')  # UTF-8 messages whatever QGIS's locale
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=full_env, start_new_session=True)
    except OSError as e:
        raise CommandError('cannot start %s: %s' % (argv[0], e)) from e

    out_lines = []

    def read_stdout():
        for raw in proc.stdout:
            out_lines.append(raw.decode('utf-8', 'replace').rstrip('\r\n'))

    reader = threading.Thread(target=read_stdout, daemon=True)
    reader.start()
    sent = 0
    err = proc.stderr
    pending = b''
    canceled = False
    while True:
        if not canceled and is_canceled and is_canceled():
            canceled = True
            _stop(proc)
        ready, _, _ = select.select([err], [], [], poll)
        if ready:
            chunk = os.read(err.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
            # The terminal bar redraws with \r; --progress-lines never does, but split on both.
            parts = re.split(rb'\r?\n|\r', pending)
            pending = parts.pop()
            for raw in parts:
                _dispatch(raw.decode('utf-8', 'replace'), on_progress, on_message)
        while sent < len(out_lines):
            if on_stdout:
                on_stdout(out_lines[sent])
            sent += 1
    if pending:
        _dispatch(pending.decode('utf-8', 'replace'), on_progress, on_message)
    rc = proc.wait()
    reader.join()
    proc.stdout.close()
    proc.stderr.close()
    for line in out_lines[sent:]:
        if on_stdout:
            on_stdout(line)
    if canceled:
        for d in outputs:
            for left in _unfinished(d) - before:
                shutil.rmtree(left, ignore_errors=True)
        return None, 'canceled'
    return rc, None


def _dispatch(line, on_progress, on_message):
    if not line:
        return
    kind = parse_line(line)
    if kind[0] == 'progress':
        if on_progress:
            on_progress(kind[1], kind[2])
    elif on_message:
        on_message(kind[0], kind[-1])


def _stop(proc):
    """SIGTERM to the command's process group, SIGKILL if it is still there 5 s later."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + 5
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
