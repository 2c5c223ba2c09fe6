# qgis/lifecircle_processing/alg_validate.py — `lifecircle validate` as a Processing algorithm:
# reads every input of a study and reports its data-quality issues in the log, before a check.
# Shared parameters are in base.py.

import re

from qgis.core import QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingOutputString

from . import command
from .base import LifecircleAlgorithm

_COUNTS = re.compile(r'Data quality 数据质量: (\d+) errors?, (\d+) warnings?')


class ValidateAlgorithm(LifecircleAlgorithm):
    SUBCOMMAND = 'validate'
    NAME = 'validate'
    DISPLAY = '数据检查 Validate inputs'
    HELP = ('读取研究的全部输入并检查数据质量（无效面、缺失人口、重复编号、未知类别、坐标颠倒……）。Runs `lifecircle '
            'validate`: reads every input of the study into the working CRS and lists each data-quality issue '
            'with its file, feature and field in the log. ERRORS counts what must be fixed before a check can '
            'run; a study that cannot be read at all (a missing file or field) fails with the reason.')

    def initAlgorithm(self, config=None):
        self.add_study_parameters()
        self.addOutput(QgsProcessingOutputNumber('ERRORS', '错误数 Errors'))
        self.addOutput(QgsProcessingOutputNumber('WARNINGS', '警告数 Warnings'))
        self.addOutput(QgsProcessingOutputString('SUMMARY', '数据质量摘要 Data-quality summary'))

    def processAlgorithm(self, parameters, context, feedback):
        args = self.study_arguments(parameters, context, feedback)
        rc, stdout, errors = self.run_command(args, feedback, ok_codes=(command.EXIT_OK, command.EXIT_ERROR))
        if rc is None:
            return {}
        text = '\n'.join(stdout)
        m = _COUNTS.search(text)
        if not m:  # exit 2 before the summary: the study itself could not be read
            raise QgsProcessingException('lifecircle validate failed: %s' % ('; '.join(errors) or 'see the log'))
        n_err, n_warn = int(m.group(1)), int(m.group(2))
        if n_err:
            feedback.reportError('%d 个错误须先修正 errors must be fixed before a check can run (the log lists them)'
                                 % n_err, False)
        return {'ERRORS': n_err, 'WARNINGS': n_warn, 'SUMMARY': text}
