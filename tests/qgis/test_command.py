# tests/qgis/test_command.py — the provider's command runner (qgis/lifecircle_processing/command.py)
# without QGIS: the lines of --progress-lines and messages are told apart; a run's progress,
# messages and stdout reach their callbacks; cancelling stops the process within seconds and
# removes the '<dir>.tmp-XXXXXX' it left (and only that); the command is found from the setting,
# $LIFECIRCLE or PATH. Against a stand-in shell script whose behaviour the test writes, and the
# real command's --progress-lines output.

import os
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get('LC_SOURCE_DIR', os.path.join(os.path.dirname(__file__), '..', '..')),
                                'qgis'))
from lifecircle_processing import command  # noqa: E402

SOURCE = os.environ.get('LC_SOURCE_DIR', os.path.join(os.path.dirname(__file__), '..', '..'))


def fake(dir, body):
    """An executable shell script in dir running body; returns its path."""
    path = os.path.join(dir, 'fake-lifecircle')
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n' + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class ParseLine(unittest.TestCase):
    def test_progress(self):
        self.assertEqual(command.parse_line('lifecircle: progress: 42 walking distances 步行距离'),
                         ('progress', 42, 'walking distances 步行距离'))

    def test_messages(self):
        self.assertEqual(command.parse_line('lifecircle: warning: facility w1 lies outside every unit'),
                         ('warning', 'facility w1 lies outside every unit'))
        self.assertEqual(command.parse_line('lifecircle: error: no such file'), ('error', 'no such file'))
        self.assertEqual(command.parse_line('lifecircle site: unknown solver \'x\''), ('text',
                         'lifecircle site: unknown solver \'x\''))
        self.assertEqual(command.parse_line('lifecircle: done in 1.2 s 用时'), ('text', 'lifecircle: done in 1.2 s 用时'))


class Run(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_callbacks_and_exit_code(self):
        exe = fake(self.dir, 'echo "table row 一"\n'
                             'echo "lifecircle: progress: 0 coverage" >&2\n'
                             'echo "lifecircle: warning: odd 数据" >&2\n'
                             'echo "lifecircle: progress: 100 coverage" >&2\n'
                             'echo "table row 二"\n'
                             'exit 1\n')
        progress, messages, out = [], [], []
        rc, why = command.run([exe], on_progress=lambda p, s: progress.append((p, s)),
                              on_message=lambda lv, t: messages.append((lv, t)), on_stdout=out.append)
        self.assertEqual((rc, why), (1, None))
        self.assertEqual(progress, [(0, 'coverage'), (100, 'coverage')])
        self.assertEqual(messages, [('warning', 'odd 数据')])
        self.assertEqual(out, ['table row 一', 'table row 二'])

    def test_cancel_stops_and_cleans(self):
        out = os.path.join(self.dir, 'out')
        keep = os.path.join(self.dir, 'out.tmp-KEEPME')  # there before the run: not the run's to remove
        os.mkdir(keep)
        # Like lc_output_begin: a temporary directory beside the target, then a long computation.
        exe = fake(self.dir, 'mkdir "%s.tmp-Ab12Cd"\n'
                             'echo "lifecircle: progress: 1 coverage" >&2\n'
                             'sleep 60\n' % out)
        seen = []
        t0 = time.monotonic()
        rc, why = command.run([exe], on_progress=lambda p, s: seen.append(p), is_canceled=lambda: bool(seen),
                              outputs=[out])
        self.assertLess(time.monotonic() - t0, 10)  # stopped, not waited for
        self.assertEqual((rc, why), (None, 'canceled'))
        self.assertFalse(os.path.exists(out + '.tmp-Ab12Cd'))
        self.assertTrue(os.path.isdir(keep))
        self.assertFalse(os.path.exists(out))

    def test_missing_command(self):
        with self.assertRaises(command.CommandError):
            command.run([os.path.join(self.dir, 'nope')])

    def test_find_command(self):
        exe = fake(self.dir, 'exit 0\n')
        self.assertEqual(command.find_command(exe), exe)
        old = os.environ.get('LIFECIRCLE')
        os.environ['LIFECIRCLE'] = exe
        try:
            self.assertEqual(command.find_command(None), exe)
            self.assertEqual(command.find_command(os.path.join(self.dir, 'missing')), exe)
        finally:
            if old is None:
                del os.environ['LIFECIRCLE']
            else:
                os.environ['LIFECIRCLE'] = old

    def test_real_command_progress_lines(self):
        """The real command's --progress-lines output parses: every stage reaches 100, percentages
        stay within 0..100 and never fall within a stage."""
        exe = os.environ.get('LIFECIRCLE')
        if not exe:
            self.skipTest('LIFECIRCLE not set')
        seen = {}
        rc, _ = command.run([exe, 'validate', os.path.join(SOURCE, 'data', 'demo', 'porto.yml'), '-q',
                             '--progress-lines'], on_progress=lambda p, s: seen.setdefault(s, []).append(p))
        self.assertEqual(rc, 0)
        self.assertIn('reading residential', seen)
        for stage, values in seen.items():
            self.assertTrue(all(0 <= v <= 100 for v in values), stage)
            self.assertEqual(values, sorted(values), stage)
            self.assertEqual(values[-1], 100, stage)


if __name__ == '__main__':
    unittest.main()
