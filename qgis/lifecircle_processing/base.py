# qgis/lifecircle_processing/base.py — what the four Processing algorithms share: the study's
# options as parameters (study file, the planner's own layers and fields, CRS, profile, encoding,
# any other study key), their translation into `lifecircle` arguments, and one way to run the
# command with progress, messages and cancel wired to Processing's feedback (command.py).
# The algorithms' own options live in alg_*.py; loading the outputs in layers.py.

import os

from qgis.core import (QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingParameterCrs,
                       QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterFile, QgsProcessingParameterNumber, QgsProcessing,
                       QgsProcessingParameterString)

from . import command

# The group every algorithm is listed under in the Processing toolbox.
GROUP_ID = 'lifecircle'
GROUP = '15分钟养老服务圈 15-minute elder-service life circle'

# Output formats as the command names them, with their labels (first the default).
FORMATS = [('shapefile', 'Shapefile (.shp, 短字段名 short field names)'),
           ('gpkg', 'GeoPackage (lifecircle.gpkg, 完整字段名 full field names)'),
           ('geojson', 'GeoJSON')]
MODES = [('', '研究文件所定 as the study says (default straight-line)'),
         ('straight', '直线距离 straight-line'),
         ('network', '步行路网 along the walking network (roads layer)')]

# The input layers a study names and the study key of each (layers/study.c).
_INPUTS = [
    ('RESIDENTIAL', 'residential', '居住区 Residential compounds (polygons with population; default: the study\'s)',
     [QgsProcessing.TypeVectorPolygon]),
    ('FACILITIES', 'facilities', '养老服务设施 Facilities (points or polygons with a category; default: the study\'s)',
     [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon]),
    ('UNITS', 'units', '街镇 Units (polygons; default: the study\'s)', [QgsProcessing.TypeVectorPolygon]),
    ('ROADS', 'roads', '道路 Roads for the walking network (lines; default: the study\'s)',
     [QgsProcessing.TypeVectorLine]),
]
# Field parameters: (parameter, parent layer parameter, study key, description, numeric).
_FIELDS = [
    ('POPULATION_FIELD', 'RESIDENTIAL', 'residential.fields.population', '常住人口字段 Population field', True),
    ('CATEGORY_FIELD', 'FACILITIES', 'facilities.fields.category', '设施类型字段 Category field', False),
    ('UNIT_NAME_FIELD', 'UNITS', 'units.fields.name', '街镇名称字段 Unit name field', False),
]
# Formats GDAL reads that the command can be handed as they are; other layers (memory, PostGIS,
# delimited text, selections) are written to a temporary GeoPackage by Processing first.
_COMPATIBLE = ['gpkg', 'shp', 'geojson', 'json', 'fgb', 'sqlite', 'gml', 'kml', 'tab', 'mif', 'xlsx']


def advanced(param):
    """Marks a parameter advanced (folded away in the dialog) and returns it."""
    param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return param


class LifecircleAlgorithm(QgsProcessingAlgorithm):
    """One `lifecircle` subcommand as a Processing algorithm. Subclasses set SUBCOMMAND, NAME,
    DISPLAY and HELP and implement initAlgorithm (calling add_study_parameters) and
    processAlgorithm (calling study_arguments and run_command)."""

    SUBCOMMAND = ''
    NAME = ''
    DISPLAY = ''
    HELP = ''

    def __init__(self, provider=None):
        super().__init__()
        self._provider_ref = provider

    def createInstance(self):
        return type(self)(self._provider_ref)

    def name(self):
        return self.NAME

    def displayName(self):
        return self.DISPLAY

    def group(self):
        return GROUP

    def groupId(self):
        return GROUP_ID

    def shortHelpString(self):
        return self.HELP

    # ---- the study's options ------------------------------------------------------------------

    def add_study_parameters(self, layers=True):
        """The study file, and (layers) the planner's own layers and fields that replace the
        study's, then the CRS, profile, encoding and free study keys (advanced)."""
        self.addParameter(QgsProcessingParameterFile(
            'STUDY', '研究文件 Study file (YAML; inputs, fields, CRS, profile)', extension='yml', optional=True))
        if layers:
            for name, _key, desc, types in _INPUTS:
                self.addParameter(QgsProcessingParameterFeatureSource(name, desc, types, optional=True))
            for name, parent, _key, desc, numeric in _FIELDS:
                self.addParameter(advanced(QgsProcessingParameterField(
                    name, desc, parentLayerParameterName=parent, optional=True,
                    type=QgsProcessingParameterField.Numeric if numeric else QgsProcessingParameterField.Any)))
        self.addParameter(advanced(QgsProcessingParameterCrs(
            'CRS', '工作坐标系 Working CRS, projected in metres (default: the study\'s, or auto)', optional=True)))
        self.addParameter(advanced(QgsProcessingParameterString(
            'PROFILE', '标准配置 Standards profile (name or file; default shanghai-2025)', optional=True)))
        self.addParameter(advanced(QgsProcessingParameterString(
            'ENCODING', '属性编码 Attribute encoding of inputs without a .cpg (e.g. GBK)', optional=True)))
        self.addParameter(advanced(QgsProcessingParameterString(
            'SET', '其他研究键 Other study keys, KEY=VALUE one per line (e.g. walk_speed=0.9)', multiLine=True,
            optional=True)))

    def add_distance_parameters(self):
        """Distance mode and reach, shared by check and site."""
        self.addParameter(QgsProcessingParameterEnum(
            'MODE', '距离 Distance', options=[m[1] for m in MODES], defaultValue=0))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            'REACH', '统一可达距离 One reach for every category, metres (default: the profile\'s)',
            type=QgsProcessingParameterNumber.Double, minValue=1, optional=True)))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            'WALK_SPEED', '步行速度 Walking speed, m/s (reach minutes at this pace)',
            type=QgsProcessingParameterNumber.Double, minValue=0.1, maxValue=5, optional=True)))

    def add_format_parameter(self):
        self.addParameter(QgsProcessingParameterEnum(
            'FORMAT', '输出格式 Output format', options=[f[1] for f in FORMATS], defaultValue=0))

    def output_format(self, parameters, context):
        return FORMATS[self.parameterAsEnum(parameters, 'FORMAT', context)][0]

    def distance_arguments(self, parameters, context):
        args = []
        mode = MODES[self.parameterAsEnum(parameters, 'MODE', context)][0]
        if mode:
            args += ['--mode', mode]
        if parameters.get('REACH') is not None:
            args += ['--reach', _number(self.parameterAsDouble(parameters, 'REACH', context))]
        if parameters.get('WALK_SPEED') is not None:
            args += ['--set', 'walk_speed=' + _number(self.parameterAsDouble(parameters, 'WALK_SPEED', context))]
        return args

    def layer_argument(self, parameters, name, context, feedback):
        """(path, layer name) of a layer parameter the command can read, or None when not given.
        Layers GDAL cannot read as they are (memory, PostGIS, delimited text, a selection) are
        written to a temporary GeoPackage first."""
        if parameters.get(name) in (None, ''):
            return None
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            return None
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, name, context, _COMPATIBLE, 'gpkg', feedback)
        if not path:
            raise QgsProcessingException('%s: cannot hand this layer to lifecircle' % name)
        return path, layer or _first_layer(path)

    def study_arguments(self, parameters, context, feedback, layers=True):
        """The command-line arguments of the study options, in the command's syntax."""
        args = []
        study = self.parameterAsFile(parameters, 'STUDY', context)
        if study:
            args.append(os.path.abspath(study))
        if layers:
            for name, key, _desc, _types in _INPUTS:
                got = self.layer_argument(parameters, name, context, feedback)
                if got:
                    args += ['--set', '%s.path=%s' % (key, got[0]), '--set', '%s.layer=%s' % (key, got[1])]
            for name, _parent, key, _desc, _numeric in _FIELDS:
                field = self.parameterAsString(parameters, name, context)
                if field:
                    args += ['--set', '%s=%s' % (key, field)]
        if parameters.get('CRS'):
            crs = self.parameterAsCrs(parameters, 'CRS', context)
            if crs.isValid():
                args += ['--crs', crs.authid() or crs.toWkt()]
        for name, opt in (('PROFILE', '--profile'), ('ENCODING', '--encoding')):
            value = self.parameterAsString(parameters, name, context).strip()
            if value:
                args += [opt, value]
        for line in self.parameterAsString(parameters, 'SET', context).splitlines():
            line = line.strip()
            if line and not line.startswith('#'):
                if '=' not in line:
                    raise QgsProcessingException('其他研究键 SET: "%s" is not KEY=VALUE' % line)
                args += ['--set', line]
        return args

    # ---- running the command -----------------------------------------------------------------

    def command_path(self):
        setting = self._provider_ref.command_setting() if self._provider_ref else None
        try:
            return command.find_command(setting)
        except command.CommandError as e:
            raise QgsProcessingException(str(e)) from e

    def run_command(self, args, feedback, outputs=(), ok_codes=(command.EXIT_OK, command.EXIT_FAILS)):
        """Runs `lifecircle SUBCOMMAND args --progress-lines`: its progress drives the feedback's
        bar and text, warnings and notes go to the log as warnings, errors are collected, stdout
        (the tables) goes to the log as console output. Returns (exit code, stdout lines, error
        messages); returns (None, ...) when the user cancelled (the command stopped and its
        unfinished output removed). An exit code outside ok_codes raises QgsProcessingException
        with the command's errors."""
        argv = [self.command_path(), self.SUBCOMMAND] + list(args) + ['--progress-lines']
        feedback.pushCommandInfo(' '.join(_quote(a) for a in argv))
        stdout, errors = [], []
        state = {'stage': None}

        def on_progress(percent, stage):
            if stage != state['stage']:
                state['stage'] = stage
                feedback.setProgressText(stage)
            feedback.setProgress(percent)

        def on_message(level, text):
            if level == 'error':
                errors.append(text)
                feedback.reportError(text, False)
            elif level in ('warning', 'note'):
                feedback.pushWarning('%s: %s' % (level, text))
            elif level == 'debug':
                feedback.pushDebugInfo(text)
            else:
                feedback.pushInfo(text)

        def on_stdout(line):
            stdout.append(line)
            feedback.pushConsoleInfo(line)

        try:
            rc, why = command.run(argv, on_progress=on_progress, on_message=on_message, on_stdout=on_stdout,
                                  is_canceled=feedback.isCanceled, outputs=outputs)
        except command.CommandError as e:
            raise QgsProcessingException(str(e)) from e
        if why == 'canceled':
            feedback.pushInfo('已取消 cancelled: lifecircle stopped; nothing was written')
            return None, stdout, errors
        if rc not in ok_codes:
            raise QgsProcessingException('lifecircle %s failed (exit %d): %s' % (
                self.SUBCOMMAND, rc, '; '.join(errors) or 'see the log'))
        feedback.setProgress(100)
        return rc, stdout, errors


def _number(v):
    """A number as the command reads it ('1000', '0.9')."""
    return ('%.6f' % v).rstrip('0').rstrip('.')


def _quote(a):
    return a if a and all(c.isalnum() or c in '-_./=:,' for c in a) else "'%s'" % a.replace("'", "'\\''")


def _first_layer(path):
    """The name of the first layer GDAL finds in path ('' when it cannot tell)."""
    try:
        from osgeo import ogr
    except ImportError:
        return os.path.splitext(os.path.basename(path))[0]
    ds = ogr.Open(path)
    if ds is None or ds.GetLayerCount() == 0:
        return os.path.splitext(os.path.basename(path))[0]
    return ds.GetLayer(0).GetName()
