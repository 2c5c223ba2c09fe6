# qgis/lifecircle_processing/layers.py — opens the layers a `lifecircle` run wrote, each with the
# style the toolkit wrote for it (the .qml beside a Shapefile or GeoJSON, the default style in a
# GeoPackage's layer_styles), and hands them to Processing to load into the project when the
# algorithm finishes, named in Chinese and English. Nothing here computes.

import os

from qgis.core import QgsProcessingContext, QgsVectorLayer

# Every layer the command writes, in drawing order from bottom to top, with its name in the
# project (outputs/results.c, outputs/proposals.c, outputs/isochrones_out.c).
NAMES = [
    ('residential', '居住区覆盖 residential coverage'),
    ('catchments', '服务片区 catchments'),
    ('service_areas', '服务范围 service areas'),
    ('gaps', '未覆盖区域 gaps'),
    ('catchment_streets', '服务街道 catchment streets'),
    ('isochrones', '等时圈 isochrones'),
    ('circles', '直线半径圆 straight-line circles'),
    ('units', '街镇 units'),
    ('facilities', '养老服务设施 facilities'),
    ('origins', '起点 origins'),
    ('proposals', '建议选址 proposals'),
]


def layer_uri(out_dir, fmt, layer):
    """The OGR source of one output layer, or None when the run did not write it."""
    if fmt == 'gpkg':
        gpkg = os.path.join(out_dir, 'lifecircle.gpkg')
        return '%s|layername=%s' % (gpkg, layer) if os.path.exists(gpkg) else None
    path = os.path.join(out_dir, layer + ('.shp' if fmt == 'shapefile' else '.geojson'))
    return path if os.path.exists(path) else None


def open_styled(out_dir, fmt, layer, display):
    """The output layer as a QgsVectorLayer with its lifecircle style applied, or None when it was
    not written or does not open. Caller owns the layer."""
    uri = layer_uri(out_dir, fmt, layer)
    if not uri:
        return None
    vl = QgsVectorLayer(uri, display, 'ogr')
    if not vl.isValid():
        return None
    if fmt == 'gpkg':
        vl.loadDefaultStyle()  # the layer_styles row lifecircle wrote
    else:
        qml = os.path.join(out_dir, layer + '.qml')
        if os.path.exists(qml):
            vl.loadNamedStyle(qml)
    return vl


def load_outputs(out_dir, fmt, context, feedback):
    """Queues every layer of out_dir (format fmt) to be loaded into the project when the algorithm
    finishes, styled. Returns the sources queued, bottom layer first."""
    loaded = []
    for layer, display in NAMES:
        vl = open_styled(out_dir, fmt, layer, display)
        if vl is None:
            continue
        context.temporaryLayerStore().addMapLayer(vl)
        details = QgsProcessingContext.LayerDetails(display, context.project(), layer)
        details.forceName = True
        context.addLayerToLoadOnCompletion(vl.id(), details)
        loaded.append(vl.source())
    feedback.pushInfo('图层 layers: %s' % ', '.join(os.path.basename(s) for s in loaded))
    return loaded
