# qgis/lifecircle_processing/alg_site.py — `lifecircle site` as a Processing algorithm: proposed
# sites for new facilities of one category (mclp, lscp, units), loaded with their style, and the
# before/after table. Shared parameters are in base.py; the siting is the library's.

import os

from qgis.core import (QgsProcessing, QgsProcessingOutputFile, QgsProcessingOutputHtml,
                       QgsProcessingOutputMultipleLayers, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)

from . import command, layers
from .alg_check import prepare_parent
from .base import LifecircleAlgorithm, advanced, _number

OBJECTIVES = [('mclp', 'mclp: 新增 k 处覆盖最多 k new sites covering the most residents now out of reach'),
              ('lscp', 'lscp: 达到目标覆盖率的最少选址 the fewest sites reaching the target coverage'),
              ('units', 'units: 每个缺少该类设施的街镇一处 one site in every 街镇 without the category')]
SOLVERS = [('greedy', 'greedy 贪心 (fast, with a bound on the optimum)'),
           ('exact', 'exact 精确 (GLPK integer program, stopped after the time limit)')]
DEMANDS = [('population', '常住人口 residents'), ('pop60', '户籍60岁以上 registered 60+')]


class SiteAlgorithm(LifecircleAlgorithm):
    SUBCOMMAND = 'site'
    NAME = 'site'
    DISPLAY = '设施选址 Propose sites'
    HELP = ('为一类设施提出新增选址以补足覆盖缺口（保留现有设施）。Runs `lifecircle site`: proposes where new '
            'facilities of one category (default centre, 社区综合为老服务中心) should go — mclp: k sites covering '
            'the most residents now out of reach; lscp: the fewest sites reaching the target coverage; units: one '
            'site in every 街镇 without the category. Candidates come from a point layer (its status field 必选/排除 '
            'forces sites in or out) or are generated inside the gaps. Writes the proposals layer (rank, 街镇, '
            'newly covered residents, suggested floor area) and the before/after table.')

    def initAlgorithm(self, config=None):
        self.add_study_parameters()
        self.addParameter(QgsProcessingParameterString(
            'CATEGORY', '设施类别 Category to site (code, Chinese or English name)', defaultValue='centre'))
        self.addParameter(QgsProcessingParameterEnum(
            'OBJECTIVE', '目标 Objective', options=[o[1] for o in OBJECTIVES], defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            'K', '选址数 Number of sites (mclp)', type=QgsProcessingParameterNumber.Integer, minValue=1,
            defaultValue=5))
        self.addParameter(QgsProcessingParameterNumber(
            'TARGET', '目标覆盖率 Coverage to reach (lscp, 0–1)', type=QgsProcessingParameterNumber.Double,
            minValue=0.01, maxValue=1, defaultValue=0.95))
        self.addParameter(QgsProcessingParameterFeatureSource(
            'CANDIDATES', '候选地块 Candidate sites (points; default: generated inside the gaps)',
            [QgsProcessing.TypeVectorPoint], optional=True))
        self.add_distance_parameters()
        self.addParameter(advanced(QgsProcessingParameterEnum(
            'SOLVER', '求解 Solver', options=[s[1] for s in SOLVERS], defaultValue=0)))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            'TIME_LIMIT', '时限 Time limit of the exact solver, s', type=QgsProcessingParameterNumber.Double,
            minValue=1, defaultValue=60)))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            'SPACING', '候选点间距 Spacing of generated candidates, m (default reach/5)',
            type=QgsProcessingParameterNumber.Double, minValue=1, optional=True)))
        self.addParameter(advanced(QgsProcessingParameterEnum(
            'DEMAND', '需求 Demand', options=[d[1] for d in DEMANDS], defaultValue=0)))
        self.add_format_parameter()
        self.addParameter(QgsProcessingParameterBoolean(
            'OVERWRITE', '覆盖已有输出 Replace a non-empty output folder', defaultValue=False))
        self.addParameter(QgsProcessingParameterFolderDestination('OUTPUT', '输出文件夹 Output folder'))
        self.addParameter(QgsProcessingParameterFolderDestination(
            'REPORT', '报告文件夹 Report folder (report.html and A3 PDF maps)', optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputFile('SUMMARY', '汇总 summary.json'))
        self.addOutput(QgsProcessingOutputHtml('REPORT_HTML', '报告 Report'))
        self.addOutput(QgsProcessingOutputNumber('TARGET_MET', '达到目标 Target met (1) or not (0)'))
        self.addOutput(QgsProcessingOutputMultipleLayers('LAYERS', '图层 Layers'))

    def processAlgorithm(self, parameters, context, feedback):
        out_dir = self.parameterAsString(parameters, 'OUTPUT', context)
        report = self.parameterAsString(parameters, 'REPORT', context) if parameters.get('REPORT') else ''
        fmt = self.output_format(parameters, context)
        args = self.study_arguments(parameters, context, feedback) + self.distance_arguments(parameters, context)
        category = self.parameterAsString(parameters, 'CATEGORY', context).strip()
        if category:
            args += ['--category', category]
        args += ['--objective', OBJECTIVES[self.parameterAsEnum(parameters, 'OBJECTIVE', context)][0],
                 '-k', str(self.parameterAsInt(parameters, 'K', context)),
                 '--target', _number(self.parameterAsDouble(parameters, 'TARGET', context)),
                 '--solver', SOLVERS[self.parameterAsEnum(parameters, 'SOLVER', context)][0],
                 '--time-limit', _number(self.parameterAsDouble(parameters, 'TIME_LIMIT', context)),
                 '--demand', DEMANDS[self.parameterAsEnum(parameters, 'DEMAND', context)][0]]
        if parameters.get('SPACING') is not None:
            args += ['--spacing', _number(self.parameterAsDouble(parameters, 'SPACING', context))]
        candidates = self.layer_argument(parameters, 'CANDIDATES', context, feedback)
        if candidates:
            args += ['--set', 'candidates.path=' + candidates[0], '--set', 'candidates.layer=' + candidates[1]]
        args += ['--format', fmt, '-o', out_dir]
        if report:
            args += ['--report', report]
        if self.parameterAsBool(parameters, 'OVERWRITE', context):
            args.append('--overwrite')
        prepare_parent(out_dir)
        if report:
            prepare_parent(report)
        rc, _stdout, _errors = self.run_command(args, feedback, outputs=[d for d in (out_dir, report) if d])
        if rc is None:
            return {}
        if rc == command.EXIT_FAILS:
            feedback.pushWarning('未达到目标覆盖率 the target coverage is out of reach of every candidate set '
                                 '(the log says why)')
        results = {'OUTPUT': out_dir, 'SUMMARY': os.path.join(out_dir, 'summary.json'),
                   'TARGET_MET': 1 if rc == command.EXIT_OK else 0,
                   'LAYERS': layers.load_outputs(out_dir, fmt, context, feedback)}
        if report:
            results['REPORT'] = report
            results['REPORT_HTML'] = os.path.join(report, 'report.html')
        return results
