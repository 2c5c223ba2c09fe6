# tests/qgis/test_provider.py — the QGIS Processing provider (qgis/lifecircle_processing/) in QGIS
# itself, headless: qgis_process lists the four algorithms and its check of the demo writes the
# same summary.json, byte for byte, as the command run alone; in PyQGIS, a check reports progress
# through Processing's feedback and queues its layers with their styles, named in Chinese and
# English; cancelling stops the run and leaves nothing; a layer from the project (a memory layer)
# replaces the study's; the command's errors reach the feedback; validate, site and isochrones
# give the numbers their inputs imply. Run by tests/qgis/run.sh (skipped without QGIS).

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE = os.path.abspath(os.environ['LC_SOURCE_DIR'])
LIFECIRCLE = os.path.abspath(os.environ['LIFECIRCLE'])
QGIS_PROCESS = os.environ.get('QGIS_PROCESS', 'qgis_process')
STUDY = os.path.join(SOURCE, 'data', 'demo', 'porto.yml')
GPKG = os.path.join(SOURCE, 'data', 'demo', 'porto.gpkg')

sys.path.insert(0, os.path.join(SOURCE, 'qgis'))
sys.path.append('/usr/share/qgis/python/plugins')

from qgis.core import (QgsApplication, QgsFeature, QgsPointXY, QgsProcessingContext,  # noqa: E402
                       QgsProcessingFeedback, QgsProject, QgsVectorLayer)

APP = None


def setUpModule():
    global APP
    APP = QgsApplication([], False)
    APP.initQgis()
    from processing.core.Processing import Processing
    Processing.initialize()
    from lifecircle_processing.provider import LifecircleProvider
    QgsApplication.processingRegistry().addProvider(LifecircleProvider())


def qgis_process(*args):
    """Runs qgis_process with the plugin enabled; returns (exit code, stdout, stderr)."""
    p = subprocess.run([QGIS_PROCESS] + list(args), capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


class Recorder(QgsProcessingFeedback):
    """Keeps what the algorithm reports; cancels at the first progress when cancel_at_first."""

    def __init__(self, cancel_at_first=False):
        super().__init__()
        self.texts, self.progress, self.errors, self.warnings, self.console = [], [], [], [], []
        self.cancel_at_first = cancel_at_first
        self.progressChanged.connect(self._progress)

    def _progress(self, value):
        self.progress.append(value)
        if self.cancel_at_first:
            self.cancel()

    def setProgressText(self, text):
        self.texts.append(text)
        super().setProgressText(text)

    def reportError(self, error, fatalError=False):
        self.errors.append(error)
        super().reportError(error, fatalError)

    def pushWarning(self, warning):
        self.warnings.append(warning)
        super().pushWarning(warning)

    def pushConsoleInfo(self, info):
        self.console.append(info)
        super().pushConsoleInfo(info)


def run_alg(alg_id, params, feedback=None):
    """Runs a lifecircle algorithm in this process; returns (results, ok, context, feedback)."""
    alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
    assert alg is not None, alg_id
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = feedback or Recorder()
    results, ok = alg.run(params, context, feedback)
    return results, ok, context, feedback


def failing_by_hand(summary):
    """The norms that fail in some row of summary.json, counted here from the rows."""
    failing = set()
    for row in summary['rows']:
        for code, ind in row['indicators'].items():
            if ind.get('pass') == 'fail':
                failing.add(code)
    return len(failing)


class QgisProcess(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rc, out, err = qgis_process('plugins', 'enable', 'lifecircle_processing')
        assert rc == 0, out + err

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='lc-qgis-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_lists_the_four_algorithms(self):
        rc, out, err = qgis_process('--json', 'list')
        self.assertEqual(rc, 0, err)
        listing = json.loads(out)
        algs = listing['providers']['lifecircle']['algorithms']
        self.assertEqual(sorted(algs), ['lifecircle:check', 'lifecircle:isochrones', 'lifecircle:site',
                                        'lifecircle:validate'])
        # Names speak both languages.
        self.assertIn('覆盖', algs['lifecircle:check']['name'])
        self.assertIn('Check', algs['lifecircle:check']['name'])

    def test_plugin_zip_installs(self):
        """The zip scripts/build-qgis-plugin.sh builds, unpacked as the plugin manager does (into a
        plugins folder), gives qgis_process the same four algorithms, and nothing else of ours."""
        dist = os.path.join(self.tmp, 'dist')
        p = subprocess.run([os.path.join(SOURCE, 'scripts', 'build-qgis-plugin.sh'), dist], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        zip_path = p.stdout.strip().splitlines()[-1]
        import zipfile
        plugins = os.path.join(self.tmp, 'plugins')
        with zipfile.ZipFile(zip_path) as z:
            self.assertTrue(all(n.startswith('lifecircle_processing/') for n in z.namelist()))
            self.assertIn('lifecircle_processing/metadata.txt', z.namelist())
            z.extractall(plugins)
        env = dict(os.environ, QGIS_PLUGINPATH=plugins)
        p = subprocess.run([QGIS_PROCESS, '--json', 'list'], capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(json.loads(p.stdout)['providers']['lifecircle']['algorithms']), 4)

    def test_check_matches_the_command(self):
        """qgis_process's check and the command's write identical summaries (SOURCE_DATE_EPOCH fixes
        the date); the NORMS_FAILING output equals the failing norms counted from the rows."""
        env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000')
        via_qgis = os.path.join(self.tmp, 'qgis')
        p = subprocess.run([QGIS_PROCESS, '--json', 'run', 'lifecircle:check', '--', 'STUDY=' + STUDY,
                            'OUTPUT=' + via_qgis], capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        results = json.loads(p.stdout)['results']
        direct = os.path.join(self.tmp, 'cmd')
        rc = subprocess.run([LIFECIRCLE, 'check', STUDY, '-o', direct, '-q'], env=env).returncode
        self.assertEqual(rc, 1)  # the demo fails norms
        for name in ('summary.json', 'summary.csv'):
            with open(os.path.join(via_qgis, name), 'rb') as a, open(os.path.join(direct, name), 'rb') as b:
                self.assertEqual(a.read(), b.read(), name)
        with open(os.path.join(via_qgis, 'summary.json'), encoding='utf-8') as f:
            summary = json.load(f)
        self.assertEqual(results['NORMS_FAILING'], failing_by_hand(summary))
        self.assertEqual(results['SUMMARY'], os.path.join(via_qgis, 'summary.json'))


class InQgis(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='lc-qgis-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_check_progress_layers_and_styles(self):
        out = os.path.join(self.tmp, 'out')
        results, ok, context, fb = run_alg('lifecircle:check', {'STUDY': STUDY, 'OUTPUT': out, 'FORMAT': 1})
        self.assertTrue(ok, fb.errors)
        # Progress came through Processing's feedback, stage by stage, and ended at 100.
        self.assertIn('coverage', fb.texts)
        self.assertIn('writing', fb.texts)
        self.assertGreater(len(set(fb.progress)), 3)
        self.assertEqual(fb.progress[-1], 100)
        # The 街镇 table went to the log.
        self.assertTrue(any('全区 whole area' in line for line in fb.console))
        # Six layers queued for the project, each with its lifecircle style (not QGIS's default
        # single symbol) and a name in both languages.
        queued = context.layersToLoadOnCompletion()
        self.assertEqual(len(queued), 6)
        store = context.temporaryLayerStore()
        by_layer = {}
        for layer_id, details in queued.items():
            vl = store.mapLayer(layer_id)
            self.assertIsNotNone(vl)
            self.assertTrue(vl.isValid())
            self.assertTrue(details.forceName)
            by_layer[details.outputName] = (vl, details.name)
        self.assertEqual(sorted(by_layer), ['catchments', 'facilities', 'gaps', 'residential', 'service_areas',
                                            'units'])
        self.assertEqual(by_layer['residential'][0].renderer().type(), 'graduatedSymbol')
        self.assertEqual(by_layer['residential'][0].renderer().classAttribute(), 'centre_covered_share')
        self.assertEqual(by_layer['facilities'][0].renderer().type(), 'categorizedSymbol')
        self.assertTrue(by_layer['units'][0].labelsEnabled())
        self.assertEqual(by_layer['units'][1], '街镇 units')
        # The count of features the layer holds is the count of units in the demo (6, by OGR).
        self.assertEqual(by_layer['units'][0].featureCount(), QgsVectorLayer(GPKG + '|layername=units').featureCount())
        self.assertEqual(results['LAYERS'][0], os.path.join(out, 'lifecircle.gpkg') + '|layername=residential')

    def test_cancel_leaves_nothing(self):
        out = os.path.join(self.tmp, 'out')
        fb = Recorder(cancel_at_first=True)
        t0 = time.monotonic()
        results, ok, _context, fb = run_alg('lifecircle:check', {'STUDY': STUDY, 'OUTPUT': out, 'MODE': 2,
                                                                 'REPORT': os.path.join(self.tmp, 'rep')}, fb)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertEqual(results, {})
        self.assertTrue(fb.isCanceled())
        self.assertEqual(os.listdir(self.tmp), [])  # no output, no report, no .tmp-XXXXXX left

    def test_project_layer_replaces_the_study_s(self):
        """A memory layer holding every other compound of the demo (as a planner's selection would)
        is handed to the command through a temporary GeoPackage: the run reads exactly those
        compounds, and its residential layer holds them with their 常住人口 (summed here)."""
        src = QgsVectorLayer(GPKG + '|layername=residential', 'res', 'ogr')
        self.assertTrue(src.isValid())
        mem = QgsVectorLayer('MultiPolygon?crs=' + src.crs().authid(), '选择 selection', 'memory')
        mem.dataProvider().addAttributes(src.fields().toList())
        mem.updateFields()
        kept, total = [], 0.0
        for i, f in enumerate(src.getFeatures()):
            if i % 2 == 0:
                g = QgsFeature(mem.fields())
                g.setAttributes(f.attributes())
                g.setGeometry(f.geometry())
                kept.append(g)
                total += f['常住人口']
        mem.dataProvider().addFeatures(kept)
        self.assertEqual(len(kept), (src.featureCount() + 1) // 2)
        out = os.path.join(self.tmp, 'out')
        results, ok, context, fb = run_alg('lifecircle:check', {'STUDY': STUDY, 'RESIDENTIAL': mem, 'OUTPUT': out})
        self.assertTrue(ok, fb.errors)
        with open(results['SUMMARY'], encoding='utf-8') as f:
            summary = json.load(f)
        res_input = [i for i in summary['inputs'] if i['kind'] == 'residential'][0]
        self.assertEqual(res_input['features'], len(kept))
        self.assertNotEqual(os.path.abspath(res_input['source']), GPKG)
        written = QgsVectorLayer(os.path.join(out, 'residential.shp'), 'w', 'ogr')
        self.assertEqual(written.featureCount(), len(kept))
        self.assertAlmostEqual(sum(f['POP'] for f in written.getFeatures()), total, places=6)

    def test_command_errors_reach_the_feedback(self):
        out = os.path.join(self.tmp, 'out')
        results, ok, _context, fb = run_alg('lifecircle:check', {
            'STUDY': STUDY, 'OUTPUT': out, 'SET': 'residential.fields.population=没有这个字段'})
        self.assertFalse(ok)
        self.assertTrue(any('没有这个字段' in e and 'does not exist' in e for e in fb.errors), fb.errors)
        self.assertFalse(os.path.exists(out))

    def test_validate_counts_errors(self):
        """Mapping population to the name field makes every compound's population unusable (not a
        number, or empty): as many errors as the layer has features (counted by OGR)."""
        results, ok, _context, fb = run_alg('lifecircle:validate', {
            'STUDY': STUDY, 'SET': 'residential.fields.population=名称'})
        self.assertTrue(ok, fb.errors)
        n = QgsVectorLayer(GPKG + '|layername=residential').featureCount()
        self.assertEqual(results['ERRORS'], n)
        self.assertIn('数据质量', results['SUMMARY'])
        results, ok, _context, fb = run_alg('lifecircle:validate', {'STUDY': STUDY})
        self.assertTrue(ok, fb.errors)
        self.assertEqual(results['ERRORS'], 0)

    def test_site_proposes_k_sites(self):
        out = os.path.join(self.tmp, 'sites')
        results, ok, context, fb = run_alg('lifecircle:site', {'STUDY': STUDY, 'OUTPUT': out, 'K': 2,
                                                               'CATEGORY': 'doorstep'})
        self.assertTrue(ok, fb.errors)
        self.assertEqual(results['TARGET_MET'], 1)
        store = context.temporaryLayerStore()
        layers = {d.outputName: store.mapLayer(i) for i, d in context.layersToLoadOnCompletion().items()}
        self.assertEqual(sorted(layers), ['proposals'])
        self.assertEqual(layers['proposals'].featureCount(), 2)  # k = 2

    def test_isochrones_at_a_point(self):
        out = os.path.join(self.tmp, 'iso')
        results, ok, context, fb = run_alg('lifecircle:isochrones', {
            'STUDY': STUDY, 'OUTPUT': out, 'AT': '-8.6110,41.1496 [EPSG:4326]', 'MINUTES': '5,10,15',
            'CIRCLES': True})
        self.assertTrue(ok, fb.errors)
        store = context.temporaryLayerStore()
        layers = {d.outputName: store.mapLayer(i) for i, d in context.layersToLoadOnCompletion().items()}
        self.assertEqual(sorted(layers), ['circles', 'isochrones', 'origins'])
        self.assertEqual(layers['origins'].featureCount(), 1)
        self.assertEqual(layers['isochrones'].featureCount(), 3)  # one origin × three times
        self.assertEqual(layers['circles'].featureCount(), 3)


if __name__ == '__main__':
    unittest.main(verbosity=2)
