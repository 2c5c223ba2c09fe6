#!/usr/bin/env python3
"""Build lifecircle's bundled demo GeoPackage from a real OpenStreetMap extract.

Usage:
    python3 data/demo/build_demo.py /path/to/porto.osm.pbf data/demo/porto.gpkg

Only python3 + GDAL's Python bindings (osgeo) are needed.  The output is
deterministic: features are written sorted by id and the GeoPackage timestamps
are pinned with OGR_CURRENT_DATE, so rerunning gives a byte-identical file on
the same GDAL/PROJ/GEOS build.

Every number and rule used here is documented in data/demo/README.md.  This is
SAMPLE DATA FOR DEMONSTRATION, NOT REAL SHANGHAI PLANNING DATA.
Map data (c) OpenStreetMap contributors, ODbL 1.0.
"""
import os
import sys

try:
    from osgeo import gdal, ogr, osr
except ImportError:  # e.g. a pyenv python3 shadows Debian's python3 (which has python3-gdal)
    _sys_py = '/usr/bin/python3'
    if os.path.realpath(sys.executable) != os.path.realpath(_sys_py) and os.path.exists(_sys_py):
        os.execv(_sys_py, [_sys_py] + sys.argv)
    sys.exit('build_demo.py: the GDAL python bindings (osgeo) are required: apt-get install python3-gdal')

import collections
import math
import re
import tempfile

# --------------------------------------------------------------------------------------
# Assumptions (all documented in data/demo/README.md)
# --------------------------------------------------------------------------------------
SNAPSHOT_DATE = '2020-07-20T00:00:00.000Z'  # OSM snapshot date; pins GPKG timestamps (GPKG format)
METRIC_EPSG = 3763                      # PT-TM06/ETRS89: all areas are computed in this CRS
M2_PER_PERSON = 40.0                    # residential floor area per resident (m²)
DEFAULT_LEVELS = 4                      # building:levels when missing / not a positive number
HOUSING_BUILDINGS = ('yes', 'residential', 'apartments', 'house', 'detached', 'terrace',
                     'semidetached_house')
SHARE_60 = 0.30                         # assumed share of residents aged 60+ (not data)
SHARE_65 = 0.22                         # assumed share of residents aged 65+ (not data)
MIN_RESIDENTIAL_M2 = 200.0              # residential polygons smaller than this are dropped
GRID_CELL_M = 1500.0                    # fallback unit grid cell size (metres, EPSG:3763)
COMMITTEE_CELL_M = 500.0                # synthetic 居委会: each unit cut into squares of this side
PARISH_MIN_COVERAGE = 0.90              # parishes are used only if they cover >= 90% of residential area
PARISH_MIN_COUNT = 3
RENTAL_PHARMACY_EVERY = 4               # every 4th pharmacy (by id) is an assistive-device rental point
MEAL_RESTAURANT_EVERY = 60              # every 60th restaurant (by id) is a meal point
CENTRE_EVERY = 3                        # every 3rd community centre (by id) stands in for an elder-service centre
DAYCARE_SOCIAL_EVERY = 2                # every 2nd parish "Centro Social" stands in for a day-care centre
HOSPITAL_EVERY = 5                      # every 5th hospital stands in for a small care home
DOORSTEP_SOCIAL_EVERY = 2               # every 2nd other social facility stands in for a doorstep station
MIN_UNIT_POPULATION = 1000              # a grid cell with fewer residents joins its most populous edge neighbour
CANTEEN_MIN_CAPACITY = 50               # restaurants with capacity >= 50 are canteen proxies

# Toolkit categories (exact labels) with default floor area (m²), meals/day and beds.
CENTRE = '社区综合为老服务中心'
DOORSTEP = '家门口服务站点'
MEAL = '助餐点'
CANTEEN = '社区长者食堂'
DAYCARE = '日间照料中心'
SMALL_HOME = '长者照护之家'
CARE_HOME = '养老机构'
RENTAL = '康复辅具社区租赁点'
ADVISER = '养老顾问点'
ACTIVITY = '老年活动室'
CATEGORIES = (CENTRE, DOORSTEP, MEAL, CANTEEN, DAYCARE, SMALL_HOME, CARE_HOME, RENTAL, ADVISER, ACTIVITY)
# Typical floor area (m², 建筑面积) of each category: every facility gets its category's size, never the
# host building's footprint x levels (a proxy only hosts the service). Toolkit assumptions, data/demo/README.md.
TYPICAL_FLOOR_AREA = {CENTRE: 500, DOORSTEP: 30, MEAL: 30, CANTEEN: 120, DAYCARE: 200,
                      SMALL_HOME: 300, CARE_HOME: 2600, RENTAL: 15, ADVISER: 10, ACTIVITY: 30}
MEALS_PER_DAY = {MEAL: 97, CANTEEN: 97, CENTRE: 97}    # SH L59: 120,000 meals/day over 1,232 venues
DEFAULT_BEDS = {CARE_HOME: 131, SMALL_HOME: 20}        # 131: YP L51 (10,856 beds over 83 institutions)
NURSING_SHARE = {CARE_HOME: 0.6, SMALL_HOME: 0.5}

ATTRIBUTION = ('Derived from OpenStreetMap (porto.osm.pbf, snapshot 2020-07-20). '
               'Map data (c) OpenStreetMap contributors, ODbL 1.0. '
               'SAMPLE DATA FOR DEMONSTRATION, NOT REAL SHANGHAI PLANNING DATA.')

# Columns the OSM driver should expose (everything else stays in other_tags).
OSMCONF = """\
closed_ways_are_polygons=aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,military,natural,office,place,shop,sport,tourism,highway=platform,public_transport=platform

[points]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,amenity,shop,healthcare,office,social_facility,social_facility:for,capacity,beds,description
ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[lines]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,highway,foot,access,bridge,tunnel,layer
ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[multipolygons]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,type,amenity,shop,healthcare,office,social_facility,social_facility:for,capacity,beds,description,building,building:levels,landuse,boundary,admin_level,end_date
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[multilinestrings]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,type
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[other_relations]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,type
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME
"""

TAG_KEYS = ('name', 'amenity', 'shop', 'healthcare', 'office', 'social_facility', 'social_facility:for',
            'capacity', 'beds', 'description', 'building', 'building:levels', 'landuse', 'boundary',
            'admin_level', 'end_date', 'highway', 'foot', 'access', 'bridge', 'tunnel', 'layer', 'type')


def log(msg):
    print(msg, flush=True)


def round_half_up(x):
    return int(math.floor(x + 0.5))


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


WGS84 = srs(4326)
METRIC = srs(METRIC_EPSG)
TO_METRIC = osr.CoordinateTransformation(WGS84, METRIC)
TO_WGS84 = osr.CoordinateTransformation(METRIC, WGS84)


def metric(geom):
    g = geom.Clone()
    g.Transform(TO_METRIC)
    return g


def id_key(fid):
    """Sort key for OSM ids like n123 / w123 / r123 / grid-r1c2: type first, then numeric id."""
    m = re.fullmatch(r'([nwr])(\d+)', fid)
    if m:
        return ('nwr'.index(m.group(1)), int(m.group(2)), '')
    return (9, 0, fid)


def feature_tags(f):
    t = {}
    defn = f.GetDefnRef()
    for k in TAG_KEYS:
        i = defn.GetFieldIndex(k.replace(':', '_'))   # the OSM driver turns 'building:levels' into building_levels
        if i >= 0 and f.IsFieldSet(i) and not f.IsFieldNull(i):
            t[k] = f.GetFieldAsString(i)
    return t


def osm_feature_id(layer_name, f):
    if layer_name == 'multipolygons':
        way = f.GetField('osm_way_id')
        return ('w' + way) if way else ('r' + f.GetField('osm_id'))
    return {'points': 'n', 'lines': 'w'}[layer_name] + f.GetField('osm_id')


def read_layer(pbf, layer_name):
    """Yield (id, tags, geometry-in-EPSG:4326) for every feature of one OSM layer."""
    ds = gdal.OpenEx(pbf, gdal.OF_VECTOR | gdal.OF_READONLY)
    lyr = ds.GetLayerByName(layer_name)
    for f in lyr:
        g = f.GetGeometryRef()
        if g is None or g.IsEmpty():
            continue
        g = g.Clone()
        g.AssignSpatialReference(WGS84)
        yield osm_feature_id(layer_name, f), feature_tags(f), g
    ds = None


def is_valid(geom):
    gdal.PushErrorHandler('CPLQuietErrorHandler')   # GEOS reports the reason as a warning; we repair
    try:
        return geom.IsValid()
    finally:
        gdal.PopErrorHandler()


def polygon_parts(geom):
    """Valid polygonal part of a geometry as a MultiPolygon (possibly empty)."""
    if not is_valid(geom):
        geom = geom.MakeValid()
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    stack = [geom]
    while stack:
        g = stack.pop()
        gt = ogr.GT_Flatten(g.GetGeometryType())
        if gt == ogr.wkbPolygon:
            if not g.IsEmpty():
                out.AddGeometry(g)
        elif gt in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
            for i in range(g.GetGeometryCount() - 1, -1, -1):
                stack.append(g.GetGeometryRef(i).Clone())
    if out.GetGeometryCount() > 1:
        out = ogr.ForceToMultiPolygon(out.UnionCascaded())
    out.AssignSpatialReference(geom.GetSpatialReference())
    return out


def overlap_area(a, b):
    """Area (m², metric geometries) of a ∩ b, ignoring line/point parts of the intersection."""
    if not a.Intersects(b):
        return 0.0
    return polygon_parts(a.Intersection(b)).GetArea()


def levels_of(tags):
    v = tags.get('building:levels', '').strip()
    if re.fullmatch(r'\d+(\.\d+)?', v) and float(v) > 0:
        return float(v)
    return float(DEFAULT_LEVELS)


def positive_int(v):
    v = (v or '').strip()
    return int(v) if re.fullmatch(r'\d+', v) and int(v) > 0 else None


class Index:
    """Tiny envelope index (a sorted sweep on minx is plenty for ~10^4 features)."""

    def __init__(self, items):  # items: list of (payload, metric geometry)
        self.items = [(g.GetEnvelope(), p, g) for p, g in items]

    def query(self, geom):
        x0, x1, y0, y1 = geom.GetEnvelope()
        for (a0, a1, b0, b1), p, g in self.items:
            if a0 <= x1 and a1 >= x0 and b0 <= y1 and b1 >= y0:
                yield p, g


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------
def load_polygons(pbf):
    residential, buildings, parishes, polys = [], [], [], []
    for fid, tags, g in read_layer(pbf, 'multipolygons'):
        polys.append((fid, tags, g))
        if tags.get('landuse') == 'residential':
            residential.append((fid, tags, g))
        if 'building' in tags:
            buildings.append((fid, tags, g))
        if tags.get('boundary') == 'administrative' and tags.get('admin_level') in ('8', '9'):
            parishes.append((fid, tags, g))
    return residential, buildings, parishes, polys


def data_extent(pbf):
    ds = gdal.OpenEx(pbf, gdal.OF_VECTOR | gdal.OF_READONLY)
    minx, maxx, miny, maxy = ds.GetLayerByName('points').GetExtent()
    ds = None
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ((minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)):
        ring.AddPoint_2D(x, y)
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    poly.AssignSpatialReference(WGS84)
    return poly, (minx, miny, maxx, maxy)


# --------------------------------------------------------------------------------------
# Layer 1: residential polygons and population
# --------------------------------------------------------------------------------------
def build_residential(residential_raw, buildings):
    housing = []
    for fid, tags, g in buildings:
        if tags.get('building') in HOUSING_BUILDINGS:
            mg = polygon_parts(metric(g))
            if not mg.IsEmpty():
                housing.append(((fid, levels_of(tags)), mg))
    hindex = Index(housing)
    out = []
    n_invalid = n_dropped = 0
    for fid, tags, g in residential_raw:
        if not is_valid(g):
            n_invalid += 1
        geom = polygon_parts(g)
        if geom.IsEmpty():
            n_dropped += 1
            continue
        mgeom = metric(geom)
        area = mgeom.GetArea()
        if area < MIN_RESIDENTIAL_M2:
            n_dropped += 1
            continue
        floor = 0.0
        for (bid, lv), bg in hindex.query(mgeom):
            floor += overlap_area(bg, mgeom) * lv
        pop = round_half_up(floor / M2_PER_PERSON)
        out.append({'id': fid, 'name': tags.get('name', ''), 'pop': pop,
                    'pop60': round_half_up(pop * SHARE_60), 'pop65': round_half_up(pop * SHARE_65),
                    'geom': ogr.ForceToMultiPolygon(geom), 'mgeom': mgeom, 'area': area, 'unit': ''})
    out.sort(key=lambda r: id_key(r['id']))
    log(f'residential: {len(residential_raw)} OSM polygons, {n_invalid} repaired with MakeValid, '
        f'{n_dropped} dropped (empty or < {MIN_RESIDENTIAL_M2:.0f} m²), {len(out)} kept')
    return out


# --------------------------------------------------------------------------------------
# Layer 3: units (real parishes if usable, else a regular grid)
# --------------------------------------------------------------------------------------
def parish_units(parishes_raw, extent_poly, residential):
    units = []
    for fid, tags, g in parishes_raw:
        clipped = polygon_parts(polygon_parts(g).Intersection(extent_poly))
        if clipped.IsEmpty():
            continue
        units.append({'id': fid, 'name': tags.get('name', fid), 'admin_level': tags.get('admin_level'),
                      'geom': clipped, 'mgeom': metric(clipped)})
    # prefer the finer level when both exist and it alone covers enough
    best = []
    res_area = sum(r['area'] for r in residential) or 1.0
    for level in ('9', '8'):
        cand = [u for u in units if u['admin_level'] == level]
        if len(cand) < PARISH_MIN_COUNT:
            continue
        union = cand[0]['mgeom']
        for u in cand[1:]:
            union = union.Union(u['mgeom'])
        covered = sum(overlap_area(r['mgeom'], union) for r in residential)
        log(f'units: {len(cand)} admin_level={level} parish polygons cover '
            f'{100.0 * covered / res_area:.1f}% of the residential area')
        if covered / res_area >= PARISH_MIN_COVERAGE:
            best = cand
            break
    if not units:
        log('units: no admin_level 8/9 parish polygons in the extract')
    return best


def grid_units(extent_poly, residential):
    xs, ys = [], []
    for g in [metric(extent_poly)] + [r['mgeom'] for r in residential]:
        x0, x1, y0, y1 = g.GetEnvelope()
        xs += [x0, x1]
        ys += [y0, y1]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    ox = math.floor(minx / 100.0) * 100.0     # grid origin: NW corner snapped outward to 100 m
    oy = math.ceil(maxy / 100.0) * 100.0
    ncols = int(math.ceil((maxx - ox) / GRID_CELL_M))
    nrows = int(math.ceil((oy - miny) / GRID_CELL_M))
    units = []
    for r in range(nrows):
        for c in range(ncols):
            x0 = ox + c * GRID_CELL_M
            y1 = oy - r * GRID_CELL_M
            x1 = min(x0 + GRID_CELL_M, maxx)
            y0 = max(y1 - GRID_CELL_M, miny)
            x0 = max(x0, minx)
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)):
                ring.AddPoint_2D(x, y)
            cell = ogr.Geometry(ogr.wkbPolygon)
            cell.AddGeometry(ring)
            cell.AssignSpatialReference(METRIC)
            cell.Segmentize(100.0)          # keep edges faithful after reprojection
            geom = cell.Clone()
            geom.Transform(TO_WGS84)
            name = f'Grid r{r + 1}c{c + 1}'
            units.append({'id': f'grid-r{r + 1}c{c + 1}', 'name': name, 'geom': ogr.ForceToMultiPolygon(geom),
                          'mgeom': cell})
    log(f'units: regular {GRID_CELL_M:.0f} m grid, {nrows} rows x {ncols} cols, '
        f'clip box EPSG:{METRIC_EPSG} ({minx:.0f}, {miny:.0f}) - ({maxx:.0f}, {maxy:.0f})')
    return units


def merge_small_cells(units, residential):
    """A grid cell with fewer than MIN_UNIT_POPULATION residents (an edge cell or the old town, where OSM
    has few residential polygons) joins the edge neighbour with the most residents (ties: the first in
    unit order), keeping that neighbour's id and name: a 街镇 of 130 residents would turn every per-1,000
    indicator into noise. Cells are taken smallest population first; the residential polygons are then
    assigned again."""
    while True:
        small = [u for u in units if u['pop'] < MIN_UNIT_POPULATION]
        if not small or len(units) < 2:
            return units
        u = min(small, key=lambda x: x['pop'])       # min() keeps the first on a tie: unit order
        best = None
        for v in units:
            if v is u:
                continue
            shared = u['mgeom'].Buffer(0.5).Intersection(v['mgeom'])   # a 0.5 m strip along a shared edge
            if shared is None or shared.IsEmpty() or shared.GetArea() < 1.0:
                continue                                 # not an edge neighbour (a corner at most)
            if best is None or v['pop'] > best['pop']:
                best = v
        if best is None:
            return units
        merged = best['mgeom'].Union(u['mgeom'])
        merged.AssignSpatialReference(METRIC)
        geom = merged.Clone()
        geom.Segmentize(100.0)
        geom.Transform(TO_WGS84)
        log(f"units: {u['name']} ({u['pop']} residents) joins {best['name']} ({best['pop']})")
        best['mgeom'], best['geom'] = merged, ogr.ForceToMultiPolygon(geom)
        best.setdefault('joined', []).append(u['name'])
        units = [v for v in units if v is not u]
        assign_units(residential, units)


# --------------------------------------------------------------------------------------
# Layer 5: committees (synthetic 居委会: every unit cut into 500 m squares; NOT real boundaries)
# --------------------------------------------------------------------------------------
def synthetic_committees(units, residential):
    """Cuts every unit into COMMITTEE_CELL_M squares (on the unit's own 100 m-snapped grid origin,
    its north-west corner) and keeps the pieces that hold most of at least one residential polygon.
    Porto's centre is urban, so every piece is a residents' committee (居委会)."""
    out = []
    for u in units:
        x0, x1, y0, y1 = u['mgeom'].GetEnvelope()
        ncols = int(math.ceil((x1 - x0) / COMMITTEE_CELL_M - 1e-9))
        nrows = int(math.ceil((y1 - y0) / COMMITTEE_CELL_M - 1e-9))
        pieces = []
        for r in range(nrows):
            for c in range(ncols):
                cx0 = x0 + c * COMMITTEE_CELL_M
                cy1 = y1 - r * COMMITTEE_CELL_M
                ring = ogr.Geometry(ogr.wkbLinearRing)
                for x, y in ((cx0, cy1 - COMMITTEE_CELL_M), (cx0 + COMMITTEE_CELL_M, cy1 - COMMITTEE_CELL_M),
                             (cx0 + COMMITTEE_CELL_M, cy1), (cx0, cy1), (cx0, cy1 - COMMITTEE_CELL_M)):
                    ring.AddPoint_2D(x, y)
                cell = ogr.Geometry(ogr.wkbPolygon)
                cell.AddGeometry(ring)
                cell.AssignSpatialReference(METRIC)
                piece = polygon_parts(cell.Intersection(u['mgeom']))
                if piece.IsEmpty() or piece.GetArea() < 1.0:
                    continue
                pieces.append((r, c, piece))
        for r, c, piece in pieces:
            holds = 0
            for res in residential:
                if res['unit'] != u['name']:
                    continue
                best = max(pieces, key=lambda p: overlap_area(p[2], res['mgeom']))
                holds += best[0] == r and best[1] == c and overlap_area(piece, res['mgeom']) > 0
            if not holds:
                continue
            geom = piece.Clone()
            geom.Segmentize(100.0)
            geom.Transform(TO_WGS84)
            k = r * ncols + c + 1
            out.append({'id': f"{u['id']}-j{k}", 'name': f"{u['name']} 示例{k}号居委会", 'unit': u['name'],
                        'type': '居委会', 'geom': ogr.ForceToMultiPolygon(geom), 'n_res': holds})
    log(f'committees: {len(out)} synthetic residents\' committees ({COMMITTEE_CELL_M:.0f} m squares of the '
        f'units holding most of a residential polygon)')
    return out


def assign_units(residential, units):
    for r in residential:
        best, best_area = None, 0.0
        for u in units:
            a = overlap_area(u['mgeom'], r['mgeom'])
            if a > best_area:
                best, best_area = u, a
        r['unit'] = best['name'] if best else ''
    for u in units:
        u['pop'] = sum(r['pop'] for r in residential if r['unit'] == u['name'])


# --------------------------------------------------------------------------------------
# Layer 2: facilities
# --------------------------------------------------------------------------------------
def _has(t, k, *vals):
    return t.get(k) in vals


def _name_re(t, pattern):
    return re.search(pattern, t.get('name', ''), re.I) is not None


# Ordered rules, first match wins: (category, osm_tag label, predicate, is_proxy).
RULES = [
    (CARE_HOME, 'social_facility=nursing_home', lambda t: _has(t, 'social_facility', 'nursing_home'), False),
    (CARE_HOME, 'amenity=nursing_home', lambda t: _has(t, 'amenity', 'nursing_home'), False),
    (CARE_HOME, 'amenity=social_facility+name~^Lar', lambda t: _has(t, 'amenity', 'social_facility')
        and _name_re(t, r'^Lar\b'), False),
    (SMALL_HOME, 'social_facility=assisted_living', lambda t: _has(t, 'social_facility', 'assisted_living'), False),
    (SMALL_HOME, 'social_facility=group_home', lambda t: _has(t, 'social_facility', 'group_home'), False),
    (SMALL_HOME, f'amenity=hospital(every {HOSPITAL_EVERY}th)', lambda t: _has(t, 'amenity', 'hospital'), True),
    (DAYCARE, 'social_facility=day_care', lambda t: _has(t, 'social_facility', 'day_care'), False),
    (DAYCARE, 'description~Centro de Dia', lambda t: re.search(r'centro de dia', t.get('name', '') + ' '
                                                              + t.get('description', ''), re.I) is not None,
     False),
    (DAYCARE, f'amenity=social_facility+name~Centro Social(every {DAYCARE_SOCIAL_EVERY}nd)', lambda t: _has(t, 'amenity', 'social_facility')
        and _name_re(t, r'\bCentro Social\b'), True),
    (CENTRE, 'social_facility=outreach', lambda t: _has(t, 'social_facility', 'outreach')
        and 'senior' in t.get('social_facility:for', ''), False),
    (CENTRE, f'amenity=community_centre(every {CENTRE_EVERY}rd)', lambda t: _has(t, 'amenity', 'community_centre'), True),
    (DOORSTEP, 'social_facility:for=senior', lambda t: _has(t, 'amenity', 'social_facility')
        and 'senior' in t.get('social_facility:for', ''), False),
    (DOORSTEP, f'amenity=social_facility(every {DOORSTEP_SOCIAL_EVERY}nd)', lambda t: _has(t, 'amenity', 'social_facility'), True),
    (CANTEEN, 'amenity=canteen', lambda t: _has(t, 'amenity', 'canteen'), False),
    (CANTEEN, 'amenity=restaurant+name~^Cantina', lambda t: _has(t, 'amenity', 'restaurant')
        and _name_re(t, r'^Cantina\b'), True),
    (CANTEEN, f'amenity=restaurant+capacity>={CANTEEN_MIN_CAPACITY}', lambda t: _has(t, 'amenity', 'restaurant')
        and (positive_int(t.get('capacity')) or 0) >= CANTEEN_MIN_CAPACITY, True),
    (MEAL, 'social_facility=food_bank', lambda t: _has(t, 'social_facility', 'food_bank'), False),
    (MEAL, 'social_facility=soup_kitchen', lambda t: _has(t, 'social_facility', 'soup_kitchen'), False),
    (MEAL, f'amenity=restaurant(every {MEAL_RESTAURANT_EVERY}th)', lambda t: _has(t, 'amenity', 'restaurant'), True),
    (RENTAL, 'shop=medical_supply', lambda t: _has(t, 'shop', 'medical_supply'), False),
    (RENTAL, 'shop=mobility', lambda t: _has(t, 'shop', 'mobility'), False),
    (RENTAL, 'shop=hearing_aids', lambda t: _has(t, 'shop', 'hearing_aids'), False),
    (RENTAL, f'amenity=pharmacy(every {RENTAL_PHARMACY_EVERY}th)', lambda t: _has(t, 'amenity', 'pharmacy')
        or _has(t, 'healthcare', 'pharmacy'), True),
    (ADVISER, 'amenity=townhall', lambda t: _has(t, 'amenity', 'townhall'), True),
    (ACTIVITY, 'office|amenity+name~Reformados|Pensionistas|Idosos', lambda t: ('office' in t or 'amenity' in t)
        and _name_re(t, r'Reformados|Pensionistas|Idosos'), False),
    (ACTIVITY, 'amenity=library', lambda t: _has(t, 'amenity', 'library'), True),
]


def sample_every(label):
    """A sampled rule's label ends in '(every <n>th)' (or 2nd, 3rd): it keeps positions 0, n, 2n, ..."""
    m = re.search(r'\(every (\d+)(?:st|nd|rd|th)\)$', label)
    return int(m.group(1)) if m else 0


def floor_area(cat):
    """建筑面积: the category's typical size (TYPICAL_FLOOR_AREA), for points, polygons and proxies alike.

    A proxy (e.g. a town hall standing in for an adviser point) only hosts a notional service, and even a
    directly tagged care site's footprint x levels counts corridors, wards and offices of other uses.
    """
    return float(TYPICAL_FLOOR_AREA[cat]), 'typical'


def build_facilities(pbf, polys, buildings):
    candidates = []
    for fid, tags, g in read_layer(pbf, 'points'):
        candidates.append((fid, tags, g))
    for fid, tags, g in polys:
        candidates.append((fid, tags, g))
    candidates.sort(key=lambda c: id_key(c[0]))
    matched = []
    seen = collections.Counter()
    for fid, tags, g in candidates:
        for cat, label, pred, proxy in RULES:
            if pred(tags):
                if sample_every(label):
                    k = seen[label]
                    seen[label] += 1
                    if k % sample_every(label) != 0:
                        break       # not in the sample: not a facility at all
                matched.append((fid, tags, g, cat, label, proxy))
                break
    out = []
    for fid, tags, g, cat, label, proxy in matched:
        area, how = floor_area(cat)
        beds = nursing = 0
        if cat in DEFAULT_BEDS:
            beds = positive_int(tags.get('beds')) or positive_int(tags.get('capacity')) or DEFAULT_BEDS[cat]
            nursing = round_half_up(NURSING_SHARE[cat] * beds)
        gt = ogr.GT_Flatten(g.GetGeometryType())
        pt = g.PointOnSurface() if gt in (ogr.wkbPolygon, ogr.wkbMultiPolygon) else g.Clone()
        out.append({'id': fid, 'name': tags.get('name', ''), 'cat': cat, 'tag': label, 'area': area,
                    'area_src': how, 'proxy': proxy, 'meals': MEALS_PER_DAY.get(cat, 0), 'beds': beds, 'nursing': nursing,
                    'geom': pt})
    out.sort(key=lambda f: id_key(f['id']))
    return out


# --------------------------------------------------------------------------------------
# Layer 4: roads
# --------------------------------------------------------------------------------------
def build_roads(pbf):
    out = []
    for fid, tags, g in read_layer(pbf, 'lines'):
        if 'highway' not in tags:
            continue
        out.append({'osm_id': fid[1:], 'tags': tags, 'geom': g})
    out.sort(key=lambda r: int(r['osm_id']))
    return out


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
def create_layer(ds, name, gtype, fields):
    lyr = ds.CreateLayer(name, WGS84, gtype, options=['FID=fid', 'GEOMETRY_NAME=geom',
                                                      'DESCRIPTION=' + ATTRIBUTION])
    for fname, ftype in fields:
        fd = ogr.FieldDefn(fname, ftype)
        lyr.CreateField(fd)
    return lyr


def write_rows(lyr, rows):
    lyr.StartTransaction()
    defn = lyr.GetLayerDefn()
    for i, (values, geom) in enumerate(rows, start=1):
        f = ogr.Feature(defn)
        f.SetFID(i)
        for k, v in values.items():
            f.SetField(k, v)
        f.SetGeometry(geom)
        if lyr.CreateFeature(f) != 0:
            raise RuntimeError(f'cannot write feature {values}')
    lyr.CommitTransaction()


def write_gpkg(out_path, residential, facilities, units, roads, committees):
    if os.path.exists(out_path):
        gdal.GetDriverByName('GPKG').Delete(out_path)
    ds = gdal.GetDriverByName('GPKG').Create(out_path, 0, 0, 0, gdal.GDT_Unknown)
    S, I, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal

    lyr = create_layer(ds, 'residential', ogr.wkbMultiPolygon,
                       [('id', S), ('名称', S), ('常住人口', I), ('户籍60岁以上', I), ('户籍65岁以上', I), ('街镇', S)])
    write_rows(lyr, [({'id': r['id'], '名称': r['name'], '常住人口': r['pop'], '户籍60岁以上': r['pop60'],
                       '户籍65岁以上': r['pop65'], '街镇': r['unit']}, r['geom']) for r in residential])

    lyr = create_layer(ds, 'facilities', ogr.wkbPoint,
                       [('id', S), ('名称', S), ('类型', S), ('osm_tag', S), ('建筑面积', R), ('日供餐', I),
                        ('床位', I), ('护理床位', I)])
    write_rows(lyr, [({'id': f['id'], '名称': f['name'], '类型': f['cat'], 'osm_tag': f['tag'],
                       '建筑面积': f['area'], '日供餐': f['meals'], '床位': f['beds'], '护理床位': f['nursing']},
                      f['geom']) for f in facilities])

    lyr = create_layer(ds, 'units', ogr.wkbMultiPolygon, [('id', S), ('名称', S), ('常住人口', I)])
    write_rows(lyr, [({'id': u['id'], '名称': u['name'], '常住人口': u['pop']}, u['geom']) for u in units])

    lyr = create_layer(ds, 'committees', ogr.wkbMultiPolygon, [('id', S), ('名称', S), ('街镇', S), ('类型', S)])
    write_rows(lyr, [({'id': c['id'], '名称': c['name'], '街镇': c['unit'], '类型': c['type']}, c['geom'])
                     for c in committees])

    road_fields = ('highway', 'name', 'foot', 'access', 'bridge', 'tunnel', 'layer')
    lyr = create_layer(ds, 'roads', ogr.wkbLineString, [('osm_id', S)] + [(k, S) for k in road_fields])
    write_rows(lyr, [(dict([('osm_id', r['osm_id'])] + [(k, r['tags'].get(k, '')) for k in road_fields]), r['geom'])
                     for r in roads])
    ds = None


# --------------------------------------------------------------------------------------
# Verification (re-reads the written file)
# --------------------------------------------------------------------------------------
def verify(out_path):
    ds = gdal.OpenEx(out_path, gdal.OF_VECTOR | gdal.OF_READONLY)
    ok = True
    expected = {
        'residential': (ogr.wkbMultiPolygon, ['id', '名称', '常住人口', '户籍60岁以上', '户籍65岁以上', '街镇']),
        'facilities': (ogr.wkbPoint, ['id', '名称', '类型', 'osm_tag', '建筑面积', '日供餐', '床位', '护理床位']),
        'units': (ogr.wkbMultiPolygon, ['id', '名称', '常住人口']),
        'committees': (ogr.wkbMultiPolygon, ['id', '名称', '街镇', '类型']),
        'roads': (ogr.wkbLineString, ['osm_id', 'highway', 'name', 'foot', 'access', 'bridge', 'tunnel', 'layer']),
    }
    names = sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount()))
    if names != sorted(expected):
        log(f'VERIFY FAIL: layers {names}')
        ok = False
    log('\n== verification ==')
    data = {}
    for lname, (gtype, fields) in expected.items():
        lyr = ds.GetLayerByName(lname)
        defn = lyr.GetLayerDefn()
        got = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
        epsg = lyr.GetSpatialRef().GetAuthorityCode(None)
        idf = fields[0]
        ids, bad, rows = set(), 0, []
        for f in lyr:
            g = f.GetGeometryRef()
            if g is None or g.IsEmpty() or not g.IsValid() or g.GetGeometryType() != gtype:
                bad += 1
            ids.add(f[idf])
            rows.append({k: f[k] for k in fields})
        data[lname] = rows
        dup = len(rows) - len(ids)
        status = 'ok' if (got == fields and epsg == '4326' and lyr.GetGeomType() == gtype and bad == 0
                          and dup == 0) else 'FAIL'
        ok &= status == 'ok'
        log(f'{lname}: {len(rows)} features, {ogr.GeometryTypeToName(lyr.GetGeomType())}, EPSG:{epsg}, '
            f'fields {got}, duplicate ids {dup}, bad geometries {bad} -> {status}')
    res, fac, units = data['residential'], data['facilities'], data['units']
    total = sum(r['常住人口'] for r in res)
    log(f'total 常住人口 {total}, 户籍60岁以上 {sum(r["户籍60岁以上"] for r in res)}, '
        f'户籍65岁以上 {sum(r["户籍65岁以上"] for r in res)}; residential with 0 population: '
        f'{sum(1 for r in res if r["常住人口"] == 0)}')
    unit_names = {u['名称'] for u in units}
    if any(r['街镇'] not in unit_names for r in res):
        log('VERIFY FAIL: a residential 街镇 is not a unit name')
        ok = False
    if sum(u['常住人口'] for u in units) != total:
        log('VERIFY FAIL: unit populations do not add up')
        ok = False
    log('per unit (名称: 常住人口, residential polygons):')
    for u in units:
        log(f'  {u["id"]} {u["名称"]}: {u["常住人口"]}, {sum(1 for r in res if r["街镇"] == u["名称"])}')
    if any(c['街镇'] not in unit_names for c in data['committees']):
        log('VERIFY FAIL: a committee 街镇 is not a unit name')
        ok = False
    log('committees per unit: ' + ', '.join(f'{k} {v}' for k, v in
                                          sorted(collections.Counter(c['街镇'] for c in data['committees']).items())))
    log('facilities per 类型 (count, by osm_tag):')
    for cat in CATEGORIES:
        rows = [f for f in fac if f['类型'] == cat]
        by_tag = collections.Counter(f['osm_tag'] for f in rows)
        log(f'  {cat}: {len(rows)}  ' + ', '.join(f'{k} {v}' for k, v in sorted(by_tag.items())))
        if len(rows) < 3:
            log(f'VERIFY FAIL: fewer than 3 facilities of {cat}')
            ok = False
    if any(f['类型'] not in CATEGORIES for f in fac):
        log('VERIFY FAIL: unknown 类型')
        ok = False
    log('roads by highway: ' + ', '.join(f'{k} {v}' for k, v in
                                         collections.Counter(r['highway'] for r in data['roads']).most_common()))
    log(f'file size: {os.path.getsize(out_path)} bytes')
    ds = None
    return ok


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    pbf, out_path = argv[1], argv[2]
    gdal.UseExceptions()
    ogr.UseExceptions()
    gdal.SetConfigOption('OGR_CURRENT_DATE', SNAPSHOT_DATE)
    gdal.SetConfigOption('OGR_SQLITE_SYNCHRONOUS', 'OFF')
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, 'osmconf.ini')
        with open(conf, 'w', encoding='utf-8') as fh:
            fh.write(OSMCONF)
        gdal.SetConfigOption('OSM_CONFIG_FILE', conf)
        extent_poly, bbox = data_extent(pbf)
        log(f'data extent (lon/lat): {bbox}')
        residential_raw, buildings, parishes_raw, polys = load_polygons(pbf)
        residential = build_residential(residential_raw, buildings)
        units = parish_units(parishes_raw, extent_poly, residential)
        if len(units) < PARISH_MIN_COUNT:
            log('units: fewer than 3 usable parish polygons -> regular grid')
            units = grid_units(extent_poly, residential)
        units.sort(key=lambda u: id_key(u['id']) if not u['id'].startswith('grid-')
                   else (9, *map(int, re.findall(r'\d+', u['id']))))
        assign_units(residential, units)                       # ties go to the first unit in this order
        used = {r['unit'] for r in residential}
        units = [u for u in units if u['name'] in used]       # drop units that hold no residential polygon
        if units and units[0]['id'].startswith('grid-'):
            units = merge_small_cells(units, residential)
        facilities = build_facilities(pbf, polys, buildings)
        roads = build_roads(pbf)
        committees = synthetic_committees(units, residential)
        write_gpkg(out_path, residential, facilities, units, roads, committees)
        gdal.SetConfigOption('OSM_CONFIG_FILE', None)
    if not verify(out_path):
        sys.exit('build_demo.py: verification failed')


if __name__ == '__main__':
    main(sys.argv)
