# qgis/lifecircle_processing/alg_isochrones.py — `lifecircle isochrones` as a Processing
# algorithm: nested walking isochrones (等时圈) around points, a clicked point or a category's
# facilities, loaded with their graduated style. Shared parameters are in base.py.

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProcessing,
                       QgsProcessingException, QgsProcessingOutputMultipleLayers, QgsProcessingParameterBoolean,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterPoint, QgsProcessingParameterString, QgsProject)

from . import layers
from .alg_check import prepare_parent
from .base import LifecircleAlgorithm, advanced


class IsochronesAlgorithm(LifecircleAlgorithm):
    SUBCOMMAND = 'isochrones'
    NAME = 'isochrones'
    DISPLAY = '步行等时圈 Walking isochrones'
    HELP = ('沿步行路网绘制嵌套的5/10/15分钟等时圈。Runs `lifecircle isochrones`: for each origin (a point layer, '
            'a point picked on the map, or the study\'s facilities of one category) the area reachable along the '
            'study\'s walking network within each time or distance, nested (the 10-minute area holds the '
            '5-minute one), drawn graduated by minutes; optionally the straight-line circles of the same radii.')

    def initAlgorithm(self, config=None):
        self.add_study_parameters()
        self.addParameter(QgsProcessingParameterFeatureSource(
            'ORIGINS', '起点图层 Origins (points)', [QgsProcessing.TypeVectorPoint], optional=True))
        self.addParameter(QgsProcessingParameterPoint('AT', '起点 Origin point (picked on the map)', optional=True))
        self.addParameter(QgsProcessingParameterString(
            'CATEGORY', '设施类别 Category: its facilities as origins, and its pace for minutes', optional=True))
        self.addParameter(QgsProcessingParameterString(
            'MINUTES', '步行时间 Walking times, minutes (comma-separated)', defaultValue='5,10,15', optional=True))
        self.addParameter(advanced(QgsProcessingParameterString(
            'METRES', '步行距离 Walking distances in metres instead (e.g. 300,500,1000)', optional=True)))
        self.addParameter(QgsProcessingParameterBoolean(
            'CIRCLES', '直线半径圆 Also straight-line circles', defaultValue=False))
        self.add_format_parameter()
        self.addParameter(QgsProcessingParameterBoolean(
            'OVERWRITE', '覆盖已有输出 Replace a non-empty output folder', defaultValue=False))
        self.addParameter(QgsProcessingParameterFolderDestination('OUTPUT', '输出文件夹 Output folder'))
        self.addOutput(QgsProcessingOutputMultipleLayers('LAYERS', '图层 Layers'))

    def processAlgorithm(self, parameters, context, feedback):
        out_dir = self.parameterAsString(parameters, 'OUTPUT', context)
        fmt = self.output_format(parameters, context)
        args = self.study_arguments(parameters, context, feedback)
        origins = self.layer_argument(parameters, 'ORIGINS', context, feedback)
        if origins:
            args += ['--points', origins[0], '--set', 'candidates.layer=' + origins[1]]
        if parameters.get('AT'):
            point = self.parameterAsPoint(parameters, 'AT', context)
            crs = self.parameterAsPointCrs(parameters, 'AT', context)
            if not crs.authid():  # the command names a CRS by code: go through WGS 84
                wgs84 = QgsCoordinateReferenceSystem('EPSG:4326')
                point = QgsCoordinateTransform(crs, wgs84, QgsProject.instance()).transform(point)
                crs = wgs84
            args += ['--at', '%.9f,%.9f,%s' % (point.x(), point.y(), crs.authid())]
        category = self.parameterAsString(parameters, 'CATEGORY', context).strip()
        if category:
            args += ['--category', category]
        minutes = self.parameterAsString(parameters, 'MINUTES', context).strip()
        metres = self.parameterAsString(parameters, 'METRES', context).strip()
        if metres:
            args += ['--metres', metres]
        elif minutes:
            args += ['--minutes', minutes]
        if not origins and not parameters.get('AT') and not category:
            raise QgsProcessingException('起点 origins: give an origins layer, a point or a category')
        if self.parameterAsBool(parameters, 'CIRCLES', context):
            args.append('--circles')
        args += ['--format', fmt, '-o', out_dir]
        if self.parameterAsBool(parameters, 'OVERWRITE', context):
            args.append('--overwrite')
        prepare_parent(out_dir)
        rc, _stdout, _errors = self.run_command(args, feedback, outputs=[out_dir])
        if rc is None:
            return {}
        return {'OUTPUT': out_dir, 'LAYERS': layers.load_outputs(out_dir, fmt, context, feedback)}
