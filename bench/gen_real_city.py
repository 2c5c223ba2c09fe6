#!/usr/bin/python3
"""Generates a benchmark city from REAL OpenStreetMap street geometry (bench/, not run by CI).

The grid city of bench/gen_city.py has straight streets; real streets curve, so every segment of
them is an edge of its own and a corridor has many more pieces. This city tiles the walking network
of ../shared/data/osm/porto.osm.pbf (every OSM way with a highway tag, clipped to the extract's
data box, projected to UTM 29N) K x K times side by side and links neighbouring tiles where a street
leaves one tile and a street of the next one enters it (a short connector between the two line ends
on the shared border, when they are within LINK_M of each other).

Per tile (different random draws in every tile, seed fixed, so every run writes the same city):
  residential  COMPOUNDS_PER_TILE rectangles 60-220 m a side, each centred on a real OSM building
               of the tile (not overlapping one another: where the drawn size would overlap, a
               60 m square on the same building is tried instead), population 300-3000,
               registered 60+/65+ at 36 % / 26 %;
  facilities   FACILITIES_PER_TILE points at real OSM building positions, categories cycling over
               the 10 built-in categories, with floor area, meals and beds;
  units        2 街镇 per tile (the tile's west and east halves).
At K = 10: 20,000 compounds and 5,000 facilities in 200 街镇, as the grid city.

Usage: bench/gen_real_city.py OUT_DIR [--tiles K] [--pbf PATH] [--reach METRES]
Writes OUT_DIR/real.gpkg and OUT_DIR/real.yml (a study file; --reach 1000 sets one reach for every
category, as issue 13 measured; 0 keeps the profile's 300 m / 1,000 m).
Map data (c) OpenStreetMap contributors, ODbL 1.0. The compounds, facilities and populations are
synthetic (placed at real building positions); only the streets are real.
"""
import argparse
import os
import random
import sys
import tempfile

try:
    from osgeo import gdal, ogr, osr
except ImportError:  # a pyenv python3 may shadow Debian's, which has python3-gdal
    if os.path.realpath(sys.executable) != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("gen_real_city.py: the GDAL python bindings (osgeo) are required: apt-get install python3-gdal")

CATEGORIES = ["社区综合为老服务中心", "家门口服务站点", "助餐点", "社区长者食堂", "日间照料中心",
              "长者照护之家", "养老机构", "康复辅具社区租赁点", "养老顾问点", "老年活动室"]
COMPOUNDS_PER_TILE = 200
FACILITIES_PER_TILE = 50
LINK_M = 60.0          # line ends on a shared border farther apart than this stay unlinked
EPSG = 32629           # WGS 84 / UTM 29N: Porto's zone
ROAD_FIELDS = ("highway", "foot", "access", "bridge", "tunnel", "layer")

OSMCONF = """\
closed_ways_are_polygons=aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,military,natural,office,place,shop,sport,tourism
[points]
osm_id=yes
attributes=name
[lines]
osm_id=yes
attributes=highway,foot,access,bridge,tunnel,layer
[multipolygons]
osm_id=yes
attributes=building
[multilinestrings]
osm_id=yes
attributes=name
[other_relations]
osm_id=yes
attributes=name
"""


def read_osm(pbf, to_utm):
    """The extract's highway lines (clipped to its data box) and building centroids, in UTM."""
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "osmconf.ini")
        with open(conf, "w") as f:
            f.write(OSMCONF)
        gdal.SetConfigOption("OSM_CONFIG_FILE", conf)
        gdal.SetConfigOption("OSM_USE_CUSTOM_INDEXING", "NO")
        ds = gdal.OpenEx(pbf, gdal.OF_VECTOR | gdal.OF_READONLY)
        minx, maxx, miny, maxy = ds.GetLayerByName("points").GetExtent()
        corners = []
        for lon, lat in ((minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy)):
            p = ogr.Geometry(ogr.wkbPoint)
            p.AddPoint_2D(lon, lat)
            p.Transform(to_utm)
            corners.append((p.GetX(), p.GetY()))
        # The largest axis-parallel box inside the projected data box (its sides bend a little).
        box = (max(corners[0][0], corners[3][0]), max(corners[0][1], corners[1][1]),
               min(corners[1][0], corners[2][0]), min(corners[2][1], corners[3][1]))
        box = tuple(float(round(v)) for v in box)
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]), (box[0], box[1])):
            ring.AddPoint_2D(x, y)
        clip = ogr.Geometry(ogr.wkbPolygon)
        clip.AddGeometry(ring)
        lines = []
        lyr = ds.GetLayerByName("lines")
        for f in lyr:
            if not f.GetField("highway"):
                continue
            g = f.GetGeometryRef()
            if g is None or g.IsEmpty():
                continue
            g = g.Clone()
            g.Transform(to_utm)
            g = g.Intersection(clip)
            if g is None or g.IsEmpty():
                continue
            attrs = {k: f.GetField(k) for k in ROAD_FIELDS}
            parts = [g] if g.GetGeometryType() in (ogr.wkbLineString, ogr.wkbLineString25D) else \
                [g.GetGeometryRef(k) for k in range(g.GetGeometryCount())]
            for part in parts:
                if part.GetGeometryType() not in (ogr.wkbLineString, ogr.wkbLineString25D) or part.GetPointCount() < 2:
                    continue
                lines.append(([(part.GetX(k), part.GetY(k)) for k in range(part.GetPointCount())], attrs))
        buildings = []
        lyr = ds.GetLayerByName("multipolygons")
        for f in lyr:
            if not f.GetField("building"):
                continue
            g = f.GetGeometryRef()
            if g is None or g.IsEmpty():
                continue
            c = g.Centroid()
            c.Transform(to_utm)
            x, y = c.GetX(), c.GetY()
            if box[0] < x < box[2] and box[1] < y < box[3]:
                buildings.append((x, y))
        ds = None
        gdal.SetConfigOption("OSM_CONFIG_FILE", None)
    buildings.sort()
    return box, lines, buildings


def border_links(box, lines):
    """Pairs of line ends to link across the east/west and the north/south borders of a tile with
    its neighbour: each end on the east (north) side with the nearest free end on the west (south)
    side, in order along the border, when within LINK_M."""
    eps = 1e-6
    ends = {"w": [], "e": [], "s": [], "n": []}
    for pts, _ in lines:
        for x, y in (pts[0], pts[-1]):
            if abs(x - box[0]) < eps:
                ends["w"].append(y)
            if abs(x - box[2]) < eps:
                ends["e"].append(y)
            if abs(y - box[1]) < eps:
                ends["s"].append(x)
            if abs(y - box[3]) < eps:
                ends["n"].append(x)
    def pair(a, b):
        a, b = sorted(set(a)), sorted(set(b))
        used, out = set(), []
        for v in a:
            best = None
            for k, u in enumerate(b):
                if k not in used and abs(u - v) <= LINK_M and (best is None or abs(u - v) < abs(b[best] - v)):
                    best = k
            if best is not None:
                used.add(best)
                out.append((v, b[best]))
        return out
    return pair(ends["e"], ends["w"]), pair(ends["n"], ends["s"])


def rect_wkt(x0, y0, x1, y1):
    return "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))" % (x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--tiles", type=int, default=10, help="K: the network is tiled K x K times")
    ap.add_argument("--pbf", default=os.path.join(here, "..", "..", "shared", "data", "osm", "porto.osm.pbf"))
    ap.add_argument("--reach", type=float, default=1000.0, help="one reach for every category (0: the profile's)")
    ap.add_argument("--overlapping", action="store_true",
                    help="compounds may overlap one another (exactly COMPOUNDS_PER_TILE per tile, no 60 m fallback)")
    a = ap.parse_args()
    if not os.path.exists(a.pbf):
        sys.exit("gen_real_city.py: %s not found (keep ../shared beside the checkout or pass --pbf)" % a.pbf)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "real.gpkg")
    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_utm = osr.CoordinateTransformation(wgs, srs)
    box, lines, buildings = read_osm(a.pbf, to_utm)
    W, H = box[2] - box[0], box[3] - box[1]
    links_ew, links_ns = border_links(box, lines)
    K = a.tiles
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)

    roads = ds.CreateLayer("roads", srs, ogr.wkbLineString)
    for k in ROAD_FIELDS:
        roads.CreateField(ogr.FieldDefn(k, ogr.OFTString))
    ds.StartTransaction()
    nroads = nlinks = 0
    defn = roads.GetLayerDefn()

    def add_road(pts, attrs):
        f = ogr.Feature(defn)
        for k, v in attrs.items():
            if v is not None:
                f.SetField(k, v)
        g = ogr.Geometry(ogr.wkbLineString)
        for x, y in pts:
            g.AddPoint_2D(x, y)
        f.SetGeometry(g)
        roads.CreateFeature(f)
    link_attrs = {"highway": "footway"}
    for tj in range(K):
        for ti in range(K):
            dx, dy = ti * W, tj * H
            for pts, attrs in lines:
                add_road([(x + dx, y + dy) for x, y in pts], attrs)
                nroads += 1
            if ti + 1 < K:  # east border of this tile = west border of the next one
                x = box[2] + dx
                for ye, yw in links_ew:
                    if ye != yw:
                        add_road([(x, ye + dy), (x, yw + dy)], link_attrs)
                        nlinks += 1
            if tj + 1 < K:
                y = box[3] + dy
                for xn, xs in links_ns:
                    if xn != xs:
                        add_road([(xn + dx, y), (xs + dx, y)], link_attrs)
                        nlinks += 1
    ds.CommitTransaction()

    res = ds.CreateLayer("residential", srs, ogr.wkbPolygon)
    for name, t in (("id", ogr.OFTString), ("常住人口", ogr.OFTInteger), ("户籍60岁以上", ogr.OFTInteger),
                    ("户籍65岁以上", ogr.OFTInteger)):
        res.CreateField(ogr.FieldDefn(name, t))
    fac = ds.CreateLayer("facilities", srs, ogr.wkbPoint)
    for name, t in (("id", ogr.OFTString), ("类型", ogr.OFTString), ("建筑面积", ogr.OFTReal),
                    ("日供餐", ogr.OFTInteger), ("床位", ogr.OFTInteger), ("护理床位", ogr.OFTInteger)):
        fac.CreateField(ogr.FieldDefn(name, t))
    units = ds.CreateLayer("units", srs, ogr.wkbPolygon)
    units.CreateField(ogr.FieldDefn("id", ogr.OFTString))
    units.CreateField(ogr.FieldDefn("名称", ogr.OFTString))
    ds.StartTransaction()
    ncomp = nfac = 0
    for tj in range(K):
        for ti in range(K):
            tile = tj * K + ti
            rnd = random.Random(20261201 + tile)
            dx, dy = ti * W, tj * H
            for half in range(2):
                f = ogr.Feature(units.GetLayerDefn())
                f.SetField("id", "U%05d" % (2 * tile + half))
                f.SetField("名称", "街镇%05d" % (2 * tile + half))
                x0 = box[0] + dx + half * W / 2
                f.SetGeometry(ogr.CreateGeometryFromWkt(rect_wkt(x0, box[1] + dy, x0 + W / 2, box[3] + dy)))
                units.CreateFeature(f)
            placed = {}  # 250 m buckets -> rectangles placed in this tile, for the overlap test
            nplaced = 0
            order = list(range(len(buildings)))
            rnd.shuffle(order)  # every building tried once, in a random order
            for b in order:
                if nplaced == COMPOUNDS_PER_TILE:
                    break
                bx, by = buildings[b]
                w, h = rnd.uniform(60, 220), rnd.uniform(60, 220)
                # Where the drawn size overlaps a compound already placed, the smallest (60 m)
                # compound on the same building is tried: the tile holds its 200 compounds.
                for w, h in ((w, h),) if a.overlapping else ((w, h), (max(60.0, w / 2), max(60.0, h / 2)), (60.0, 60.0)):
                    r = (bx - w / 2, by - h / 2, bx + w / 2, by + h / 2)
                    cells = [(i, j) for i in range(int(r[0] // 250), int(r[2] // 250) + 1)
                             for j in range(int(r[1] // 250), int(r[3] // 250) + 1)]
                    ok = r[0] >= box[0] and r[1] >= box[1] and r[2] <= box[2] and r[3] <= box[3] and \
                        (a.overlapping or not any(not (r[2] <= q[0] or q[2] <= r[0] or r[3] <= q[1] or q[3] <= r[1])
                                for c in cells for q in placed.get(c, ())))
                    if ok:
                        break
                if not ok:
                    continue
                for c in cells:
                    placed.setdefault(c, []).append(r)
                nplaced += 1
                pop = rnd.randint(300, 3000)
                f = ogr.Feature(res.GetLayerDefn())
                f.SetField("id", "R%06d" % ncomp)
                f.SetField("常住人口", pop)
                f.SetField("户籍60岁以上", round(pop * 0.36))
                f.SetField("户籍65岁以上", round(pop * 0.26))
                f.SetGeometry(ogr.CreateGeometryFromWkt(rect_wkt(r[0] + dx, r[1] + dy, r[2] + dx, r[3] + dy)))
                res.CreateFeature(f)
                ncomp += 1
            for k in range(FACILITIES_PER_TILE):
                cat = CATEGORIES[k % len(CATEGORIES)]
                bx, by = buildings[rnd.randrange(len(buildings))]
                f = ogr.Feature(fac.GetLayerDefn())
                f.SetField("id", "F%06d" % nfac)
                f.SetField("类型", cat)
                f.SetField("建筑面积", rnd.uniform(50, 2000))
                f.SetField("日供餐", rnd.randint(50, 400) if cat in ("助餐点", "社区长者食堂") else 0)
                beds = rnd.randint(30, 300) if cat in ("养老机构", "长者照护之家") else 0
                f.SetField("床位", beds)
                f.SetField("护理床位", round(beds * rnd.uniform(0.4, 0.8)))
                f.SetGeometry(ogr.CreateGeometryFromWkt("POINT(%.3f %.3f)" % (bx + dx, by + dy)))
                fac.CreateFeature(f)
                nfac += 1
    ds.CommitTransaction()
    ds = None

    with open(os.path.join(a.out, "real.yml"), "w", encoding="utf-8") as f:
        f.write("# Benchmark city from real OSM streets (bench/gen_real_city.py --tiles %d): Porto's walking\n"
                "# network tiled %d x %d; compounds and facilities synthetic, at real building positions.\n"
                "# Map data (c) OpenStreetMap contributors, ODbL 1.0. Not planning data.\n"
                "name: real-street city K=%d\ncrs: EPSG:%d\nprofile: shanghai-2025\n" % (K, K, K, K, EPSG))
        if a.reach > 0:
            f.write("reach_m: %g\n" % a.reach)
        f.write("residential: {path: real.gpkg, layer: residential}\n"
                "facilities: {path: real.gpkg, layer: facilities}\n"
                "units: {path: real.gpkg, layer: units, fields: {name: 名称}}\n"
                "roads: {path: real.gpkg, layer: roads}\n")
    print("wrote %s: tile %.0f x %.0f m, %d x %d tiles; %d road lines (%d per tile) + %d border links; "
          "%d residential, %d facilities, %d units" % (path, W, H, K, K, nroads, len(lines), nlinks, ncomp, nfac,
                                                       2 * K * K))


if __name__ == "__main__":
    sys.exit(main())
