#!/usr/bin/python3
"""Generates a synthetic city for benchmarks (bench/, not run by CI).

A W x H km square in UTM 51N (EPSG:32651, near Shanghai) holding:
  units        200 街镇 as a 10 x 20 grid of rectangles,
  residential  N compounds: rectangles 60-120 m a side on a jittered grid, population 300-3000,
  facilities   M points spread uniformly, categories cycling over the 10 built-in categories,
               with floor area, meals and beds,
  roads        (with --road-edges E) a square grid of residential streets, one line per street,
               spaced so that the network has at least E edges (segments between junctions).
Deterministic (fixed seed), so every benchmark run reads the same data.

Usage: bench/gen_city.py OUT_DIR [--residential 20000] [--facilities 5000] [--km 20] [--road-edges 0]
Writes OUT_DIR/city.gpkg and OUT_DIR/city.yml (a study file).
"""
import argparse
import math
import os
import random
import sys

from osgeo import ogr, osr

CATEGORIES = ["社区综合为老服务中心", "家门口服务站点", "助餐点", "社区长者食堂", "日间照料中心",
              "长者照护之家", "养老机构", "康复辅具社区租赁点", "养老顾问点", "老年活动室"]
X0, Y0 = 340000.0, 3440000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--residential", type=int, default=20000)
    ap.add_argument("--facilities", type=int, default=5000)
    ap.add_argument("--km", type=float, default=20.0)
    ap.add_argument("--road-edges", type=int, default=0, help="grid street network of at least this many edges")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "city.gpkg")
    if os.path.exists(path):
        os.remove(path)
    rnd = random.Random(20251122)
    size = a.km * 1000.0
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32651)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)

    units = ds.CreateLayer("units", srs, ogr.wkbPolygon)
    units.CreateField(ogr.FieldDefn("id", ogr.OFTString))
    units.CreateField(ogr.FieldDefn("名称", ogr.OFTString))
    nx, ny = 10, 20
    units.StartTransaction()
    for j in range(ny):
        for i in range(nx):
            x, y, w, h = X0 + i * size / nx, Y0 + j * size / ny, size / nx, size / ny
            f = ogr.Feature(units.GetLayerDefn())
            f.SetField("id", "U%03d" % (j * nx + i))
            f.SetField("名称", "街镇%03d" % (j * nx + i))
            f.SetGeometry(ogr.CreateGeometryFromWkt(
                "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))" % (x, y, x + w, y, x + w, y + h, x, y + h, x, y)))
            units.CreateFeature(f)
    units.CommitTransaction()

    res = ds.CreateLayer("residential", srs, ogr.wkbPolygon)
    for name, t in (("id", ogr.OFTString), ("常住人口", ogr.OFTInteger), ("户籍60岁以上", ogr.OFTInteger),
                    ("户籍65岁以上", ogr.OFTInteger)):
        res.CreateField(ogr.FieldDefn(name, t))
    side = int(math.ceil(math.sqrt(a.residential)))
    cell = size / side
    res.StartTransaction()
    n = 0
    for j in range(side):
        for i in range(side):
            if n == a.residential:
                break
            w, h = rnd.uniform(60, min(120, cell * 0.9)), rnd.uniform(60, min(120, cell * 0.9))
            x = X0 + i * cell + rnd.uniform(0, cell - w)
            y = Y0 + j * cell + rnd.uniform(0, cell - h)
            pop = rnd.randint(300, 3000)
            f = ogr.Feature(res.GetLayerDefn())
            f.SetField("id", "R%05d" % n)
            f.SetField("常住人口", pop)
            f.SetField("户籍60岁以上", round(pop * 0.36))
            f.SetField("户籍65岁以上", round(pop * 0.26))
            f.SetGeometry(ogr.CreateGeometryFromWkt(
                "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))" % (x, y, x + w, y, x + w, y + h, x, y + h, x, y)))
            res.CreateFeature(f)
            n += 1
    res.CommitTransaction()

    fac = ds.CreateLayer("facilities", srs, ogr.wkbPoint)
    for name, t in (("id", ogr.OFTString), ("类型", ogr.OFTString), ("建筑面积", ogr.OFTReal),
                    ("日供餐", ogr.OFTInteger), ("床位", ogr.OFTInteger), ("护理床位", ogr.OFTInteger)):
        fac.CreateField(ogr.FieldDefn(name, t))
    fac.StartTransaction()
    for k in range(a.facilities):
        cat = CATEGORIES[k % len(CATEGORIES)]
        f = ogr.Feature(fac.GetLayerDefn())
        f.SetField("id", "F%05d" % k)
        f.SetField("类型", cat)
        f.SetField("建筑面积", rnd.uniform(50, 2000))
        f.SetField("日供餐", rnd.randint(50, 400) if cat in ("助餐点", "社区长者食堂") else 0)
        beds = rnd.randint(30, 300) if cat in ("养老机构", "长者照护之家") else 0
        f.SetField("床位", beds)
        f.SetField("护理床位", round(beds * rnd.uniform(0.4, 0.8)))
        f.SetGeometry(ogr.CreateGeometryFromWkt("POINT(%f %f)" % (X0 + rnd.uniform(0, size), Y0 + rnd.uniform(0, size))))
        fac.CreateFeature(f)
    fac.CommitTransaction()

    nroads = 0
    if a.road_edges > 0:
        # k x k blocks: (k + 1) streets each way, k segments each, 2k(k + 1) edges.
        k = max(1, int(math.ceil(math.sqrt(a.road_edges / 2.0))))
        while 2 * k * (k + 1) < a.road_edges:
            k += 1
        step = size / k
        roads = ds.CreateLayer("roads", srs, ogr.wkbLineString)
        roads.CreateField(ogr.FieldDefn("highway", ogr.OFTString))
        roads.StartTransaction()
        for horizontal in (True, False):
            for j in range(k + 1):
                line = ogr.Geometry(ogr.wkbLineString)
                for i in range(k + 1):
                    if horizontal:
                        line.AddPoint_2D(X0 + i * step, Y0 + j * step)
                    else:
                        line.AddPoint_2D(X0 + j * step, Y0 + i * step)
                f = ogr.Feature(roads.GetLayerDefn())
                f.SetField("highway", "residential")
                f.SetGeometry(line)
                roads.CreateFeature(f)
                nroads += 1
        roads.CommitTransaction()
        print("roads: %d streets, %d edges, %.1f m apart" % (nroads, 2 * k * (k + 1), step))
    ds = None

    with open(os.path.join(a.out, "city.yml"), "w", encoding="utf-8") as f:
        f.write("# Synthetic benchmark city (bench/gen_city.py): not real data.\n"
                "name: synthetic city\ncrs: EPSG:32651\nprofile: shanghai-2025\n"
                "residential: {path: city.gpkg, layer: residential}\n"
                "facilities: {path: city.gpkg, layer: facilities}\n"
                "units: {path: city.gpkg, layer: units, fields: {name: 名称}}\n")
        if nroads:
            f.write("roads: {path: city.gpkg, layer: roads}\n")
    print("wrote %s: %d units, %d residential, %d facilities" % (path, nx * ny, n, a.facilities))


if __name__ == "__main__":
    sys.exit(main())
