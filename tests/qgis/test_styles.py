# tests/qgis/test_styles.py — the QGIS styles lifecircle writes (outputs/qml.c), as QGIS draws them:
# each layer of a network check of the demo (Shapefile, the .qml QGIS loads by itself; GeoPackage,
# its layer_styles) and of an isochrones run is rendered headless with PyQGIS and the pixels are
# read back. Gaps and service areas: each category's rule drawn alone shows its own colour, the
# categories' colours all different, and by default only the centre's rule is on. Catchments and
# catchment streets: every two facilities of one category whose areas lie within 50 m (measured here with
# QGIS's geometry) or whose streets meet are drawn in different colours. Isochrones: the 5, 10 and
# 15-minute rings are drawn in three different colours, darkest nearest. Every field has its
# Chinese alias; the pass marks of the units and committees read 达标/未达标/不适用 (ValueMap). Run by tests/qgis/run.sh (skipped without QGIS).

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.path.abspath(os.environ['LC_SOURCE_DIR'])
LIFECIRCLE = os.path.abspath(os.environ['LIFECIRCLE'])
STUDY = os.path.join(SOURCE, 'data', 'demo', 'porto.yml')

from qgis.core import (QgsApplication, QgsFeatureRequest, QgsFeatureSource, QgsGeometry,  # noqa: E402
                       QgsMapRendererCustomPainterJob, QgsMapSettings, QgsPointXY, QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor, QImage, QPainter  # noqa: E402

APP = None
TMP = None
SIZE = 400
WHITE = (255, 255, 255)


def setUpModule():
    global APP, TMP
    APP = QgsApplication([], False)
    APP.initQgis()
    TMP = tempfile.mkdtemp(prefix='lc-styles-')
    for args in (['check', STUDY, '--mode', 'network', '--catchment-streets', '-q', '-o', os.path.join(TMP, 'shp')],
                 ['check', STUDY, '--format', 'gpkg', '-q', '-o', os.path.join(TMP, 'gpkg')],
                 ['isochrones', STUDY, '--at', '-8.6110,41.1496', '--minutes', '5,10,15', '-q', '-o',
                  os.path.join(TMP, 'iso')]):
        rc = subprocess.run([LIFECIRCLE] + args).returncode
        assert rc in (0, 1), (args, rc)


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def shp(sub, layer):
    """The output layer as QGIS opens it (its same-named .qml loaded by QGIS itself)."""
    vl = QgsVectorLayer(os.path.join(TMP, sub, layer + '.shp'), layer, 'ogr')
    assert vl.isValid(), layer
    return vl


def render(layer, extent=None):
    """Renders layer alone on white, SIZE × SIZE pixels; returns (image, map settings)."""
    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(layer.crs())
    ms.setOutputSize(QSize(SIZE, SIZE))
    ms.setExtent(extent or layer.extent())
    ms.setBackgroundColor(QColor(*WHITE))
    img = QImage(QSize(SIZE, SIZE), QImage.Format_ARGB32)
    img.fill(QColor(*WHITE))
    painter = QPainter(img)
    job = QgsMapRendererCustomPainterJob(ms, painter)
    job.start()
    job.waitForFinished()
    painter.end()
    return img, ms


def histogram(img):
    """Counts of every (r, g, b) drawn other than the white background."""
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    data = bytes(ptr)
    counts = collections.Counter(data[i:i + 4] for i in range(0, len(data), 4))
    out = collections.Counter()
    for bgra, n in counts.items():
        rgb = (bgra[2], bgra[1], bgra[0])
        if rgb != WHITE:
            out[rgb] += n
    return out


def dominant(img):
    """The colour drawn on the most pixels (not the background), or None when nothing was drawn."""
    h = histogram(img)
    return h.most_common(1)[0][0] if h else None


def pixel(img, ms, point):
    """The colour drawn at a map point."""
    p = ms.mapToPixel().transform(QgsPointXY(point))
    c = QColor(img.pixel(int(p.x()), int(p.y())))
    return (c.red(), c.green(), c.blue())


def rule_keys(renderer):
    return [item.ruleKey() for item in renderer.legendSymbolItems()]


def only_rule(renderer, key):
    """Switches every rule of a rule-based renderer off but key."""
    for k in rule_keys(renderer):
        renderer.checkLegendSymbolItem(k, k == key)


class CategoryRules(unittest.TestCase):
    def one_colour_per_category(self, layer):
        vl = shp('shp', layer)
        r = vl.renderer()
        self.assertEqual(r.type(), 'RuleRenderer')
        keys = rule_keys(r)
        with open(os.path.join(TMP, 'shp', 'summary.json'), encoding='utf-8') as f:
            categories = [c['category'] for c in json.load(f)['assumptions']['reach']]
        self.assertEqual(keys, ['cat-' + c for c in categories])  # a rule per category, in profile order
        # By default only the centre's rule is on.
        self.assertEqual([k for k in keys if r.legendSymbolItemChecked(k)], ['cat-centre'])
        present = {f['CATEGORY'] for f in vl.getFeatures()}
        self.assertGreaterEqual(len(present), 10)  # the demo's categories with facilities
        colours = {}
        for key in keys:
            if key[len('cat-'):] in present:
                only_rule(r, key)
                colours[key] = dominant(render(vl)[0])
                self.assertIsNotNone(colours[key], key)
        self.assertEqual(len(set(colours.values())), len(present), colours)  # all different
        # Drawn as it opens, the layer shows the centre's colour and no other category's.
        for key in keys:
            r.checkLegendSymbolItem(key, key == 'cat-centre')
        drawn = histogram(render(vl)[0])
        self.assertEqual(drawn.most_common(1)[0][0], colours['cat-centre'])
        for key, c in colours.items():
            if key != 'cat-centre':
                self.assertNotIn(c, drawn, key)

    def test_gaps(self):
        self.one_colour_per_category('gaps')

    def test_service_areas(self):
        self.one_colour_per_category('service_areas')


class Neighbours(unittest.TestCase):
    def test_catchments_next_to_each_other_differ(self):
        vl = shp('shp', 'catchments')
        feats = list(vl.getFeatures())
        pairs = 0
        for key in rule_keys(vl.renderer()):
            only_rule(vl.renderer(), key)
            cat = key[len('cat-'):]
            mine = [f for f in feats if f['CATEGORY'] == cat]
            for i, a in enumerate(mine):
                for b in mine[i + 1:]:
                    if a.geometry().distance(b.geometry()) > 50:
                        continue
                    pairs += 1
                    # Each drawn alone, so the other's translucent fill cannot tint it.
                    colours = []
                    for f in (a, b):
                        vl.setSubsetString('"FAC_ID" = \'%s\'' % f['FAC_ID'])
                        img, ms = render(vl, extent=vl.extent())
                        colours.append(pixel(img, ms, f.geometry().pointOnSurface().asPoint()))
                        vl.setSubsetString('')
                    self.assertNotIn(WHITE, colours)
                    self.assertNotEqual(colours[0], colours[1], (a['FAC_ID'], b['FAC_ID']))
        self.assertGreater(pairs, 0)  # the demo has neighbours, so this can fail

    def test_catchment_streets_that_meet_differ(self):
        vl = shp('shp', 'catchment_streets')
        by_fac = collections.defaultdict(list)
        for f in vl.getFeatures():
            by_fac[(f['CATEGORY'], f['FAC_ID'])].append(f.geometry())
        merged = {k: QgsGeometry.unaryUnion(g) for k, g in by_fac.items()}
        colour = {}
        for key in rule_keys(vl.renderer()):
            only_rule(vl.renderer(), key)
            for (cat, fac) in merged:
                if 'cat-' + cat == key:
                    vl.setSubsetString('"FAC_ID" = \'%s\'' % fac)
                    colour[(cat, fac)] = dominant(render(vl)[0])
                    vl.setSubsetString('')
        pairs = 0
        keys = sorted(merged)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a[0] == b[0] and merged[a].distance(merged[b]) < 0.01:
                    pairs += 1
                    self.assertNotEqual(colour[a], colour[b], (a, b))
        self.assertGreater(pairs, 0)


class Isochrones(unittest.TestCase):
    def test_rings_graduated(self):
        vl = shp('iso', 'isochrones')
        self.assertEqual(vl.renderer().type(), 'graduatedSymbol')
        feats = sorted(vl.getFeatures(), key=lambda f: f['METRES'])
        self.assertEqual([f['MINUTES'] for f in feats], [5, 10, 15])
        img, ms = render(vl)
        colours, inner = [], None
        for f in feats:
            ring = f.geometry() if inner is None else f.geometry().difference(inner)
            colours.append(pixel(img, ms, ring.pointOnSurface().asPoint()))
            inner = f.geometry()
        self.assertEqual(len(set(colours)), 3, colours)
        # Darkest nearest: the sum of the channels grows outwards.
        self.assertLess(sum(colours[0]), sum(colours[1]))
        self.assertLess(sum(colours[1]), sum(colours[2]))
        labels = [r.label() for r in vl.renderer().ranges()]
        self.assertIn('5 分钟', labels[0])
        self.assertIn('15-minute', labels[2])


class Aliases(unittest.TestCase):
    def assert_aliases(self, vl, expect):
        for i, f in enumerate(vl.fields()):
            self.assertTrue(vl.attributeAlias(i), '%s.%s has no alias' % (vl.name(), f.name()))
        for field, alias in expect.items():
            self.assertEqual(vl.attributeAlias(vl.fields().indexOf(field)), alias, field)

    def test_shapefile(self):
        self.assert_aliases(shp('shp', 'residential'), {'POP': '常住人口', 'NAME': '小区名称'})
        self.assert_aliases(shp('shp', 'gaps'), {'POP': '未覆盖常住人口', 'CATEGORY': '设施类别代码'})
        for layer in ('service_areas', 'units', 'facilities', 'catchments', 'catchment_streets'):
            self.assert_aliases(shp('shp', layer), {})
        self.assert_aliases(shp('iso', 'isochrones'), {'METRES': '步行距离', 'MINUTES': '步行时间'})

    def test_geopackage_layer_styles(self):
        gpkg = os.path.join(TMP, 'gpkg', 'lifecircle.gpkg')
        vl = QgsVectorLayer(gpkg + '|layername=residential', 'residential', 'ogr')
        self.assertTrue(vl.isValid())
        self.assertEqual(vl.renderer().type(), 'graduatedSymbol')  # its layer_styles row was read
        self.assert_aliases(vl, {'population': '常住人口', 'centre_covered_share': vl.attributeAlias(
            vl.fields().indexOf('centre_covered_share'))})
        self.assertIn('可达范围内面积比例', vl.attributeAlias(vl.fields().indexOf('centre_covered_share')))
        gaps = QgsVectorLayer(gpkg + '|layername=gaps', 'gaps', 'ogr')
        self.assertEqual(gaps.renderer().type(), 'RuleRenderer')
        self.assert_aliases(gaps, {'population': '未覆盖常住人口'})

    def test_geopackage_spatial_index(self):
        """Every geometry layer of lifecircle.gpkg has the spatial index the toolkit writes itself
        (outputs/gpkg_rtree.c) and QGIS sees it; a rectangle asked of QGIS through it returns what
        the same request returns from a copy whose index GDAL built (ogr2ogr), and lies between the
        features whose geometry meets the rectangle and those whose box does, counted one by one."""
        gpkg = os.path.join(TMP, 'gpkg', 'lifecircle.gpkg')
        ref = os.path.join(TMP, 'gpkg-ref.gpkg')
        names = ('residential', 'gaps', 'units', 'facilities', 'service_areas')
        subprocess.run(['ogr2ogr', '-preserve_fid', '-f', 'GPKG', ref, gpkg] + list(names), check=True)
        for name in names:
            vl = QgsVectorLayer(gpkg + '|layername=' + name, name, 'ogr')
            gdal = QgsVectorLayer(ref + '|layername=' + name, name, 'ogr')
            self.assertTrue(vl.isValid() and gdal.isValid(), name)
            self.assertEqual(vl.hasSpatialIndex(), QgsFeatureSource.SpatialIndexPresent, name)
            ext, seen = vl.extent(), 0
            for fx, fy in ((0.0, 0.0), (0.3, 0.4), (0.6, 0.1)):  # three windows, a third of the extent a side
                x0, y0 = ext.xMinimum() + fx * ext.width(), ext.yMinimum() + fy * ext.height()
                rect = QgsRectangle(x0, y0, x0 + ext.width() / 3, y0 + ext.height() / 3)
                where = '%s in %s' % (name, rect.toString())
                got = {f.id() for f in vl.getFeatures(QgsFeatureRequest().setFilterRect(rect))}
                self.assertEqual(got, {f.id() for f in gdal.getFeatures(QgsFeatureRequest().setFilterRect(rect))},
                                 where)
                boxes = {f.id() for f in vl.getFeatures() if f.hasGeometry()
                         and f.geometry().boundingBox().intersects(rect)}
                meets = {f.id() for f in vl.getFeatures() if f.hasGeometry()
                         and f.geometry().intersects(QgsGeometry.fromRect(rect))}
                self.assertTrue(meets <= got <= boxes, where)
                seen += len(got)
            self.assertGreater(seen, 0, name)  # the windows are not all empty

    def assert_pass_widgets(self, vl, nfields):
        """Every pass mark of vl (N<k>_PASS / <norm>_pass) reads 达标 pass, 未达标 fail, 不适用 n/a in
        QGIS (the ValueMap widget, as its attribute table formats it) over the stored pass, fail, n/a;
        nfields of them (one per norm the layer carries)."""
        formatter = QgsApplication.fieldFormatterRegistry().fieldFormatter('ValueMap')
        marks = [i for i, f in enumerate(vl.fields()) if f.name().lower().endswith('_pass')]
        self.assertEqual(len(marks), nfields, '%s: %s' % (vl.name(), [vl.fields()[i].name() for i in marks]))
        for i in marks:
            setup = vl.editorWidgetSetup(i)
            self.assertEqual(setup.type(), 'ValueMap', '%s.%s' % (vl.name(), vl.fields()[i].name()))
            for stored, shown in (('pass', '达标 pass'), ('fail', '未达标 fail'), ('n/a', '不适用 n/a')):
                self.assertEqual(formatter.representValue(vl, i, setup.config(), None, stored), shown)
        stored = {f[marks[0]] for f in vl.getFeatures()}
        self.assertTrue(stored and stored <= {'pass', 'fail', 'n/a'}, stored)  # the values themselves unchanged

    def test_pass_marks_read_in_chinese(self):
        # By hand from profiles/shanghai-2025.yml: 13 norms, each a pass mark on the units layer; the
        # committees layer carries the norms asked of 居村: doorstep_committees and rural_village (2).
        gpkg = os.path.join(TMP, 'gpkg', 'lifecircle.gpkg')
        for vl in (shp('shp', 'units'), QgsVectorLayer(gpkg + '|layername=units', 'units', 'ogr')):
            self.assert_pass_widgets(vl, 13)
        for vl in (shp('shp', 'committees'), QgsVectorLayer(gpkg + '|layername=committees', 'committees', 'ogr')):
            self.assert_pass_widgets(vl, 2)


if __name__ == '__main__':
    unittest.main(verbosity=2)
