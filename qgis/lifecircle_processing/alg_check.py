# qgis/lifecircle_processing/alg_check.py — `lifecircle check` as a Processing algorithm: coverage
# and every norm of the profile per 街镇, the output layers loaded with their styles, the report.
# The parameters shared with the other algorithms are in base.py.

import json
import os

from qgis.core import (QgsProcessingOutputFile, QgsProcessingOutputHtml, QgsProcessingOutputMultipleLayers,
                       QgsProcessingOutputNumber, QgsProcessingParameterBoolean,
                       QgsProcessingParameterFolderDestination)

from . import layers
from .base import LifecircleAlgorithm, advanced


class CheckAlgorithm(LifecircleAlgorithm):
    SUBCOMMAND = 'check'
    NAME = 'check'
    DISPLAY = '覆盖与指标检查 Check coverage and norms'
    HELP = ('检查15分钟养老服务圈覆盖和每个街镇的规划指标（"1+N"、完整生活圈、每千人40平方米、街镇租赁点和长者食堂、'
            '助餐能力、床位）。Runs `lifecircle check`: for every compound the distance to each category\'s '
            'nearest facility and the share within reach, and every norm of the profile per 街镇 and for the '
            'whole area (straight-line or along the walking network). Writes the residential, gaps, '
            'service_areas, units and facilities layers (and, when asked, the catchments) with their styles, '
            'summary.csv and summary.json, and with a report folder the HTML report and A3 PDF maps. A failing norm is a '
            'result, not an error: NORMS_FAILING counts them.')

    def initAlgorithm(self, config=None):
        self.add_study_parameters()
        self.add_distance_parameters()
        self.addParameter(QgsProcessingParameterBoolean(
            'CATCHMENTS', '服务片区 Catchments: each facility\'s compounds, dissolved (slow when compounds overlap)',
            defaultValue=False))
        self.addParameter(advanced(QgsProcessingParameterBoolean(
            'CATCHMENT_STREETS', '服务街道 Catchment streets (network mode)', defaultValue=False)))
        self.add_format_parameter()
        self.addParameter(QgsProcessingParameterBoolean(
            'OVERWRITE', '覆盖已有输出 Replace a non-empty output folder', defaultValue=False))
        self.addParameter(QgsProcessingParameterFolderDestination('OUTPUT', '输出文件夹 Output folder'))
        self.addParameter(QgsProcessingParameterFolderDestination(
            'REPORT', '报告文件夹 Report folder (report.html and A3 PDF maps)', optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputFile('SUMMARY', '汇总 summary.json'))
        self.addOutput(QgsProcessingOutputHtml('REPORT_HTML', '报告 Report'))
        self.addOutput(QgsProcessingOutputNumber('NORMS_FAILING', '未达标指标数 Norms failing somewhere'))
        self.addOutput(QgsProcessingOutputMultipleLayers('LAYERS', '图层 Layers'))

    def processAlgorithm(self, parameters, context, feedback):
        out_dir = self.parameterAsString(parameters, 'OUTPUT', context)
        report = self.parameterAsString(parameters, 'REPORT', context) if parameters.get('REPORT') else ''
        fmt = self.output_format(parameters, context)
        args = self.study_arguments(parameters, context, feedback) + self.distance_arguments(parameters, context)
        if self.parameterAsBool(parameters, 'CATCHMENTS', context):
            args.append('--catchments')
        if self.parameterAsBool(parameters, 'CATCHMENT_STREETS', context):
            args.append('--catchment-streets')
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
        summary = os.path.join(out_dir, 'summary.json')
        failing = failing_norms(summary)
        feedback.pushInfo('未达标指标 norms failing somewhere: %s' % failing if failing else '全部达标 every norm passes')
        results = {'OUTPUT': out_dir, 'SUMMARY': summary, 'NORMS_FAILING': failing,
                   'LAYERS': layers.load_outputs(out_dir, fmt, context, feedback)}
        if report:
            results['REPORT'] = report
            results['REPORT_HTML'] = os.path.join(report, 'report.html')
        return results


def prepare_parent(path):
    """Creates the parent folder of an output folder (the command creates the folder itself)."""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


def failing_norms(summary):
    """summary.json's failing_norms (norms that fail in some 街镇 or the whole area), or None."""
    try:
        with open(summary, encoding='utf-8') as f:
            return json.load(f).get('failing_norms')
    except (OSError, ValueError):
        return None
