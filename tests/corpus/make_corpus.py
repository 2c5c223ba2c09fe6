#!/usr/bin/python3
"""Writes the malformed-input corpus (issue 14): one study per case, each with one fault, built from the demo.

Usage: make_corpus.py SOURCE_DIR OUT_DIR  -> OUT_DIR/<case>/study.yml (+ its files) and OUT_DIR/cases.json

The base is the demo (data/demo/porto.gpkg) exported with ogr2ogr to the formats planners hand in:
residential compounds as a Shapefile (UTF-8, .cpg), facilities and units as GeoJSON, facilities also as
a lon/lat CSV; roads as GeoJSON for the network cases. Each case copies the base and changes one thing:
the study file (YAML faults, bad numbers, bad paths, bombs), a Shapefile's bytes (truncated or corrupt
.shp/.shx/.dbf, .prj and .cpg that lie), a GeoJSON's geometry (NaN/Inf/huge coordinates, degenerate
and self-crossing polygons, swapped lon/lat), attributes (0x10, 1e23, negative, text in numbers,
nursing beds above beds, unknown categories) or a layer's whole content (empty, header only).

Every case states its expected outcome, decided from the rule the toolkit promises (docs/reference.md, "Data-quality checks"),
not from what the program prints:
  error  exit 2, and stderr names the file (and, where the fault is in one feature or field, it too);
  warn   exit 0 or 1 (the demo fails some norms), a warning on stderr naming the file, and, where the
         fault leaves every resident counted, the check's total population equals the base's total
         (computed here from the exported attributes, not from the program);
  ok     exit 0 or 1, no error.
tests/corpus/run_corpus.py runs them. Needs ogr2ogr (gdal-bin) and python3 only.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

SRC, OUT = sys.argv[1], sys.argv[2]
GPKG = os.path.join(SRC, "data", "demo", "porto.gpkg")
BASE = os.path.join(OUT, "_base")

STUDY = """name: corpus case
crs: EPSG:32629
profile: shanghai-2025
residential:
  path: residential.shp
  fields: {id: id, name: name, population: pop, pop60: pop60, pop65: pop65, unit: unit}
facilities:
  path: facilities.geojson
  fields: {id: id, name: 名称, category: 类型, floor_area: 建筑面积, meals: 日供餐, beds: 床位, nursing_beds: 护理床位}
units:
  path: units.geojson
  fields: {id: id, name: 名称, population: 常住人口}
"""
ROADS = "roads:\n  path: roads.geojson\n"


def ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_base():
    os.makedirs(BASE, exist_ok=True)
    ogr("-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", os.path.join(BASE, "residential.shp"), GPKG, "-dialect",
        "SQLite", "-sql", 'SELECT geom, id, "名称" AS name, "常住人口" AS pop, "户籍60岁以上" AS pop60, '
        '"户籍65岁以上" AS pop65, "街镇" AS unit FROM residential', "-nln", "residential")
    ogr("-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=9", os.path.join(BASE, "facilities.geojson"), GPKG,
        "facilities")
    ogr("-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=9", os.path.join(BASE, "units.geojson"), GPKG, "units")
    ogr("-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=9", os.path.join(BASE, "roads.geojson"), GPKG, "roads")
    ogr("-f", "CSV", "-lco", "GEOMETRY=AS_XY", os.path.join(BASE, "facilities.csv"), GPKG, "facilities")
    with open(os.path.join(BASE, "study.yml"), "w", encoding="utf-8") as f:
        f.write(STUDY)


def rd(name):
    with open(os.path.join(BASE, name), "rb") as f:
        return f.read()


def residents_total():
    """The base's total residents, read from the exported .dbf with a reader written here (dBase III)."""
    data = rd("residential.dbf")
    nrec, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields, off = [], 1
    for k in range(32, hlen - 1, 32):
        name = data[k:k + 11].split(b"\0")[0].decode()
        flen = data[k + 16]
        fields.append((name, off, flen))
        off += flen
    name, o, flen = next(f for f in fields if f[0] == "pop")
    total = 0
    for r in range(nrec):
        rec = data[hlen + r * rlen: hlen + (r + 1) * rlen]
        if rec[:1] != b"*":
            total += int(rec[o:o + flen].strip() or 0)
    return total, fields, hlen, rlen, nrec


CASES = []


def case(name, expect, match=(), files=None, study=None, cmd="validate", total=None, remove=(), setup=None,
         args=(), known=None):
    """One case: files {name: bytes} replace the base's; study replaces study.yml's text. known: why the
    toolkit does not yet meet the expectation (reported as such by run_corpus.py, not hidden)."""
    CASES.append(dict(name=name, expect=expect, match=list(match), files=files or {}, study=study, cmd=cmd,
                      total=total, remove=list(remove), setup=setup, args=list(args), known=known))


def geojson(name):
    return json.loads(rd(name).decode("utf-8"))


def dump(obj):
    return json.dumps(obj, ensure_ascii=False, allow_nan=True).encode("utf-8")


def with_feature(layer, index, fn):
    """The GeoJSON layer with feature index changed by fn(feature) (which may return None to drop it)."""
    d = geojson(layer)
    f = fn(d["features"][index])
    if f is None:
        del d["features"][index]
    else:
        d["features"][index] = f
    return dump(d)


def study_cases():
    base = STUDY
    bad_yaml = {
        "yaml_syntax": base + "units: [unclosed\n",
        "yaml_tab_indent": base.replace("  path: units.geojson", "\tpath: units.geojson"),
        "yaml_duplicate_key": base + "crs: EPSG:4326\n",
        "yaml_not_mapping": "- just\n- a list\n",
        "yaml_scalar_only": "hello\n",
        "yaml_empty": "",
        "yaml_only_comment": "# nothing here\n",
        "yaml_deep_nesting": base + "extra: " + "[" * 100000 + "]" * 100000 + "\n",
        "yaml_deep_mappings": base + "extra: " + "{a: " * 100000 + "1" + "}" * 100000 + "\n",
        "yaml_many_keys": base + "extra:\n" + "".join("  k%d: %d\n" % (i, i) for i in range(100000)),
        "yaml_alias_bomb": base + "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                           "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        "yaml_invalid_utf8": base.encode() + b"name2: \xff\xfe\xfa\n",
        "yaml_huge_file": base + "# " + "x" * (9 * 1024 * 1024) + "\n",
    }
    for n, text in bad_yaml.items():
        case("study_" + n, "error", ["study.yml"], study=text)
    # Keys and values
    subs = {
        "unknown_top_key": ("profile: shanghai-2025", "profile: shanghai-2025\nresidental: {path: x}"),
        "unknown_profile": ("profile: shanghai-2025", "profile: shanghai-2099"),
        "profile_missing_file": ("profile: shanghai-2025", "profile: no-such-profile.yml"),
        "crs_garbage": ("crs: EPSG:32629", "crs: EPSG:999999"),
        "crs_not_metric": ("crs: EPSG:32629", "crs: EPSG:4326"),
        "crs_text": ("crs: EPSG:32629", "crs: [1, 2]"),
        "no_residential": ("residential:\n  path: residential.shp\n", "residential_x:\n  path: residential.shp\n"),
        "residential_missing_file": ("path: residential.shp", "path: nothere.shp"),
        "facilities_missing_file": ("path: facilities.geojson", "path: nothere.geojson"),
        "units_missing_file": ("path: units.geojson", "path: nothere.geojson"),
        "residential_is_dir": ("path: residential.shp", "path: adir/x.shp"),
        "residential_dev_zero": ("path: residential.shp", "path: /dev/zero"),
        "residential_fifo": ("path: residential.shp", "path: fifo.geojson"),
        "field_population_typo": ("population: pop,", "population: popp,"),
        "field_id_typo": ("{id: id, name: name", "{id: idd, name: name"),
        "field_category_typo": ("category: 类型", "category: 类别x"),
        "field_floor_area_typo": ("floor_area: 建筑面积", "floor_area: 面积x"),
        "field_unit_pop_typo": ("population: 常住人口}", "population: 人口x}"),
        "field_role_unknown": ("{id: id, name: name", "{idx: id, name: name"),
        "fields_not_mapping": ("fields: {id: id, name: 名称, population: 常住人口}", "fields: [id, name]"),
        "encoding_bogus": ("path: residential.shp\n", "path: residential.shp\n  encoding: KLINGON-8\n"),
        "layer_name_wrong": ("path: units.geojson\n", "path: units.geojson\n  layer: nolayer\n"),
    }
    names = {"residential_missing_file": "nothere.shp", "facilities_missing_file": "nothere.geojson",
             "units_missing_file": "nothere.geojson", "residential_is_dir": "adir", "residential_dev_zero": "/dev/zero",
             "residential_fifo": "fifo.geojson", "field_population_typo": "popp", "field_id_typo": "idd",
             "field_category_typo": "类别x", "field_floor_area_typo": "面积x", "field_unit_pop_typo": "人口x",
             "encoding_bogus": "KLINGON-8", "layer_name_wrong": "nolayer"}
    for n, (a, b) in subs.items():
        assert a in base, n
        case("study_" + n, "error", [names.get(n, "study.yml")], study=base.replace(a, b), setup=n)
    numbers = {"walk_speed_huge": "walk_speed: 1e308", "walk_speed_nan": "walk_speed: .nan",
               "walk_speed_zero": "walk_speed: 0", "walk_speed_negative": "walk_speed: -1",
               "walk_speed_text": "walk_speed: fast", "walk_speed_inf": "walk_speed: .inf",
               "reach_negative": "reach_m: -500", "reach_huge": "reach_m: 1e12", "reach_zero": "reach_m: 0",
               "reach_text": "reach_m: far", "reach_nan": "reach_m: .nan", "walk_speed_list": "walk_speed: [1, 2]"}
    for n, line in numbers.items():
        case("study_" + n, "error", ["study.yml"], study=base + line + "\n")


def shapefile_cases(total):
    shp, shx, dbf = rd("residential.shp"), rd("residential.shx"), rd("residential.dbf")
    for frac in (0.0, 0.05, 0.3, 0.5, 0.9, 0.999):
        case("shp_truncated_%g" % frac, "error", ["residential"], files={"residential.shp": shp[:int(len(shp) * frac)]})
    for cut in (50, 99, 100, 108):
        case("shp_truncated_at_%d" % cut, "error", ["residential"], files={"residential.shp": shp[:cut]})
    for frac in (0.0, 0.3, 0.5, 0.99):
        case("shx_truncated_%g" % frac, "error", ["residential"], files={"residential.shx": shx[:int(len(shx) * frac)]})
    for frac in (0.0, 0.02, 0.3, 0.6, 0.95):
        case("dbf_truncated_%g" % frac, "error", ["residential"], files={"residential.dbf": dbf[:int(len(dbf) * frac)]})
    case("shx_missing", "error", ["residential"], remove=["residential.shx"])
    case("dbf_missing", "error", ["residential"], remove=["residential.dbf"])
    case("shp_missing_with_dbf", "error", ["residential"], remove=["residential.shp"])
    # Header faults. The .shx gives every record's offset and length and each record states its own
    # shape type (ESRI Shapefile Technical Description, 1998), so a reader that follows them (shapelib,
    # GDAL's) reads every compound whole despite a wrong header type, file length or box: the expected
    # outcome is the right result (every resident counted), not an error.
    for n, data in (("shp_type_point", shp[:32] + struct.pack("<i", 1) + shp[36:]),
                    ("shp_type_garbage", shp[:32] + struct.pack("<i", 77) + shp[36:]),
                    ("shp_length_short", shp[:24] + struct.pack(">i", 60) + shp[28:]),
                    ("shp_bbox_nan", shp[:36] + struct.pack("<4d", *[float("nan")] * 4) + shp[68:])):
        case(n, "ok", [], files={"residential.shp": data}, cmd="check", total=total)
    case("shp_file_code", "error", ["residential"], files={"residential.shp": struct.pack(">i", 1234) + shp[4:]})
    dbf_n = struct.unpack("<I", dbf[4:8])[0]
    case("dbf_count_zero", "error", ["residential"], files={"residential.dbf": dbf[:4] + struct.pack("<I", 0) + dbf[8:]})
    case("dbf_count_short", "error", ["residential"],
         files={"residential.dbf": dbf[:4] + struct.pack("<I", dbf_n - 5) + dbf[8:]})
    case("dbf_count_long", "error", ["residential"],
         files={"residential.dbf": dbf[:4] + struct.pack("<I", dbf_n + 50) + dbf[8:]})
    case("dbf_header_len_garbage", "error", ["residential"],
         files={"residential.dbf": dbf[:8] + struct.pack("<H", 7) + dbf[10:]})
    case("dbf_record_len_garbage", "error", ["residential"],
         files={"residential.dbf": dbf[:10] + struct.pack("<H", 3) + dbf[12:]})
    # Record-level corruption in the .shp: a record's content length, its shape type, its part count.
    off = 100
    clen = struct.unpack(">i", shp[off + 4:off + 8])[0]
    # A record header's content length: the .shx's length is the one read (see above).
    case("shp_record_len_huge", "ok", [], files={"residential.shp": shp[:off + 4] + struct.pack(">i", 0x7fffffff) +
                                                 shp[off + 8:]}, cmd="check", total=total)
    case("shp_record_len_zero", "ok", [], files={"residential.shp": shp[:off + 4] + struct.pack(">i", 0) +
                                                 shp[off + 8:]}, cmd="check", total=total)
    case("shp_record_parts_huge", "error", ["residential"],
         files={"residential.shp": shp[:off + 44] + struct.pack("<i", 1 << 30) + shp[off + 48:]})
    case("shp_record_points_huge", "error", ["residential"],
         files={"residential.shp": shp[:off + 48] + struct.pack("<i", 1 << 30) + shp[off + 52:]})
    case("shp_record_points_negative", "error", ["residential"],
         files={"residential.shp": shp[:off + 48] + struct.pack("<i", -4) + shp[off + 52:]})
    # First vertex of the first record: NaN, Inf, huge.
    v = off + 8 + 44 + 4 * struct.unpack("<i", shp[off + 8 + 36:off + 8 + 40])[0]
    for n, val in (("nan", float("nan")), ("inf", float("inf")), ("huge", 1e300)):
        case("shp_vertex_" + n, "error", ["residential"],
             files={"residential.shp": shp[:v] + struct.pack("<d", val) + shp[v + 8:]})
    # Bit flips across the .shp's records (one byte each, deterministic positions).
    for k, pos in enumerate(range(150, len(shp), len(shp) // 12)):
        b = bytearray(shp)
        b[pos] ^= 0x40
        case("shp_bitflip_%02d" % k, "any", ["residential"], files={"residential.shp": bytes(b)})
    # Bit flips across the .dbf's records and the .shx's offsets.
    for k, pos in enumerate(range(dbf_hlen := struct.unpack("<H", dbf[8:10])[0], len(dbf), len(dbf) // 8)):
        b = bytearray(dbf)
        b[pos] ^= 0x5a
        case("dbf_bitflip_%02d" % k, "any", ["residential"], files={"residential.dbf": bytes(b)})
    for k, pos in enumerate((100, 108, 400, 900)):
        b = bytearray(shx)
        b[pos] ^= 0x7f
        case("shx_bitflip_%02d" % k, "any", ["residential"], files={"residential.shx": bytes(b)})
    # The .dbf's numbers: a bit-flipped population digit turns it into a letter.
    t, fields, hlen, rlen, nrec = residents_total()
    name, o, flen = next(f for f in fields if f[0] == "pop")
    b = bytearray(dbf)
    p = hlen + 3 * rlen + o + flen - 1
    b[p] = ord("x")
    case("dbf_population_letter", "error", ["residential", "pop"], files={"residential.dbf": bytes(b)})
    b = bytearray(dbf)
    b[hlen + 3 * rlen + o:hlen + 3 * rlen + o + flen] = b"0x10".rjust(flen)
    case("dbf_population_hex", "error", ["residential", "pop"], files={"residential.dbf": bytes(b)})
    b = bytearray(dbf)
    b[hlen + 3 * rlen + o:hlen + 3 * rlen + o + flen] = b"-500".rjust(flen)
    case("dbf_population_negative", "error", ["residential", "pop"], files={"residential.dbf": bytes(b)})
    b = bytearray(dbf)
    b[hlen + 3 * rlen + o:hlen + 3 * rlen + o + flen] = b"9" * flen
    case("dbf_population_implausible", "error_or_warn", ["residential"], files={"residential.dbf": bytes(b)})
    # .prj and .cpg that lie.
    prj = rd("residential.prj")
    case("prj_garbage", "error", ["residential"], files={"residential.prj": b"this is not a CRS"})
    case("prj_empty", "error_or_warn", ["residential"], files={"residential.prj": b""})
    case("prj_missing", "error_or_warn", ["residential"], remove=["residential.prj"])
    case("prj_huge", "error", ["residential"], files={"residential.prj": prj + b" " * (5 * 1024 * 1024)})
    utm28 = ('PROJCS["WGS 84 / UTM zone 28N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
             'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
             'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-15],PARAMETER["scale_factor",0.9996],'
             'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]').encode()
    case("prj_says_utm_for_lonlat", "error", ["residential"], files={"residential.prj": utm28})
    case("cpg_bogus", "error_or_warn", ["residential"], files={"residential.cpg": b"KLINGON-8"})
    case("cpg_gbk_on_utf8", "error_or_warn", ["residential"], files={"residential.cpg": b"GBK"})
    case("cpg_gbk_on_utf8_stated_utf8", "ok", [], files={"residential.cpg": b"GBK"},
         study=STUDY.replace("path: residential.shp\n", "path: residential.shp\n  encoding: UTF-8\n"), cmd="check",
         total=total)
    case("cpg_huge", "error", ["residential"], files={"residential.cpg": b"UTF-8" + b" " * (2 * 1024 * 1024)})
    b = bytearray(dbf)
    q = hlen + 2 * rlen + next(f for f in fields if f[0] == "name")[1]
    b[q:q + 4] = b"\xff\xfe\xc0\xaf"
    case("dbf_invalid_utf8", "error", ["residential", "name"], files={"residential.dbf": bytes(b)})
    del total


def geometry_cases(total):
    res_json = lambda fn, i=5: {"residential.geojson": with_feature("residential.geojson", i, fn)}
    st = STUDY.replace("path: residential.shp", "path: residential.geojson")

    def geom(g):
        def f(feat):
            feat["geometry"] = g
            return feat
        return f

    # Residential as GeoJSON for geometry faults (a copy of the .shp, written by ogr2ogr in setup).
    ring = [[-8.61, 41.15], [-8.609, 41.15], [-8.609, 41.151], [-8.61, 41.151], [-8.61, 41.15]]
    faults = {
        "nan_coord": ({"type": "Polygon", "coordinates": [[[float("nan"), 41.15]] + ring[1:-1] + [[float("nan"), 41.15]]]}, "error"),
        "inf_coord": ({"type": "Polygon", "coordinates": [[[float("inf"), 41.15]] + ring[1:-1] + [[float("inf"), 41.15]]]}, "error"),
        "huge_coord": ({"type": "Polygon", "coordinates": [[[1e300, 41.15]] + ring[1:-1] + [[1e300, 41.15]]]}, "error"),
        "lat_out_of_range": ({"type": "Polygon", "coordinates": [[[-8.61, 95.0], [-8.609, 95.0], [-8.609, 95.001], [-8.61, 95.0]]]}, "error"),
        "one_point_ring": ({"type": "Polygon", "coordinates": [[ring[0], ring[0], ring[0], ring[0]]]}, "error_or_warn"),
        "two_point_ring": ({"type": "Polygon", "coordinates": [[ring[0], ring[1], ring[0]]]}, "error_or_warn"),
        "zero_area_line": ({"type": "Polygon", "coordinates": [[ring[0], ring[1], [-8.608, 41.15], ring[0]]]}, "error_or_warn"),
        "unclosed_ring": ({"type": "Polygon", "coordinates": [ring[:-1]]}, "error_or_warn"),
        "empty_polygon": ({"type": "Polygon", "coordinates": []}, "error_or_warn"),
        "null_geometry": (None, "error_or_warn"),
        "point_not_polygon": ({"type": "Point", "coordinates": ring[0]}, "error_or_warn"),
        "line_not_polygon": ({"type": "LineString", "coordinates": ring[:2]}, "error_or_warn"),
        "bowtie": ({"type": "Polygon", "coordinates": [[ring[0], ring[2], ring[1], ring[3], ring[0]]]}, "warn"),
        "hole_outside_shell": ({"type": "Polygon", "coordinates": [ring, [[-8.5, 41.0], [-8.499, 41.0], [-8.499, 41.001], [-8.5, 41.0]]]}, "warn"),
        "spike": ({"type": "Polygon", "coordinates": [[ring[0], ring[1], [-8.5, 41.1505], ring[1], ring[2], ring[3], ring[0]]]}, "warn"),
        "duplicate_vertices": ({"type": "Polygon", "coordinates": [[ring[0], ring[0], ring[1], ring[1], ring[2], ring[3], ring[0]]]}, "ok"),
        "reversed_ring": ({"type": "Polygon", "coordinates": [list(reversed(ring))]}, "ok"),
        "multipolygon_overlapping_parts": ({"type": "MultiPolygon", "coordinates": [[ring], [ring]]}, "warn"),
        "far_away": ({"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.401, 31.2], [121.401, 31.201], [121.4, 31.201], [121.4, 31.2]]]}, "warn"),
        "geometry_collection": ({"type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": [ring]}]}, "error_or_warn"),
    }
    for n, (g, expect) in faults.items():
        t = total if expect in ("warn", "ok") and n not in ("far_away",) else None
        case("geom_" + n, expect, ["residential"], files=res_json(geom(g)), study=st, setup="res_geojson",
             cmd="check" if expect in ("warn", "ok") else "validate", total=t)
    # Swapped lon/lat for a whole layer.
    for layer in ("facilities", "units"):
        d = geojson(layer + ".geojson")
        for feat in d["features"]:
            g = feat["geometry"]
            if g["type"] == "Point":
                g["coordinates"] = g["coordinates"][::-1]
            elif g["type"] == "Polygon":
                g["coordinates"] = [[p[::-1] for p in r] for r in g["coordinates"]]
            elif g["type"] == "MultiPolygon":
                g["coordinates"] = [[[p[::-1] for p in r] for r in poly] for poly in g["coordinates"]]
        case("swap_lonlat_" + layer, "error", [layer], files={layer + ".geojson": dump(d)})
    # A facility with a NaN position, one far away, one with no geometry.
    for n, g, expect in (("facility_nan", {"type": "Point", "coordinates": [float("nan"), 41.15]}, "error"),
                         ("facility_inf", {"type": "Point", "coordinates": [float("inf"), float("inf")]}, "error"),
                         ("facility_null_geometry", None, "error_or_warn"),
                         # a polygon facility is read at its point on surface (layers/layer_geometry.c), as
                         # data/demo/build_demo.py does: no message is due
                         ("facility_polygon", {"type": "Polygon", "coordinates": [ring]}, "ok"),
                         ("facility_far_away", {"type": "Point", "coordinates": [121.4, 31.2]}, "warn")):
        case(n, expect, ["facilities"], files={"facilities.geojson": with_feature("facilities.geojson", 3, geom(g))},
             cmd="check" if expect == "warn" else "validate")


def attribute_cases(total):
    def prop(key, value):
        def f(feat):
            feat["properties"][key] = value
            return feat
        return f

    fac = lambda key, value, i=4: {"facilities.geojson": with_feature("facilities.geojson", i, prop(key, value))}
    # Facilities: numbers and categories.
    for n, key, value, expect in (
            ("floor_area_1e23", "建筑面积", 1e23, "error_or_warn"), ("floor_area_negative", "建筑面积", -60, "error"),
            ("floor_area_text", "建筑面积", "sixty", "error"), ("floor_area_hex", "建筑面积", "0x10", "error"),
            ("floor_area_nan_text", "建筑面积", "NaN", "error"), ("floor_area_inf_text", "建筑面积", "inf", "error"),
            ("floor_area_huge_facility", "建筑面积", 250000, "error_or_warn"),
            ("meals_negative", "日供餐", -10, "error"), ("meals_text", "日供餐", "many", "error"),
            ("beds_negative", "床位", -1, "error"), ("beds_1e23", "床位", 1e23, "error_or_warn"),
            ("category_unknown", "类型", "宇宙飞船", "error_or_warn"), ("category_empty", "类型", "", "error_or_warn"),
            ("category_null", "类型", None, "error_or_warn"), ("category_number", "类型", 42, "error_or_warn"),
            ("id_null", "id", None, "any"), ("name_very_long", "名称", "长" * 5000, "ok")):
        case("fac_" + n, expect, ["facilities"], files=fac(key, value),
             cmd="check" if expect == "ok" else "validate")

    def nursing_above(feat):
        feat["properties"]["床位"] = 10
        feat["properties"]["护理床位"] = 30
        return feat
    case("fac_nursing_above_beds", "error_or_warn", ["facilities"],
         files={"facilities.geojson": with_feature("facilities.geojson", 6, nursing_above)})
    d = geojson("facilities.geojson")
    d["features"][7]["properties"]["id"] = d["features"][8]["properties"]["id"]
    case("fac_duplicate_id", "error_or_warn", ["facilities"], files={"facilities.geojson": dump(d)})
    # Units: population faults.
    unit = lambda key, value: {"units.geojson": with_feature("units.geojson", 1, prop(key, value))}
    for n, value, expect in (("negative", -100, "error"), ("text", "lots", "error"), ("hex", "0x10", "error"),
                             ("1e23", 1e23, "error_or_warn"), ("zero", 0, "any"), ("null", None, "any")):
        case("unit_population_" + n, expect, ["units"], files=unit("常住人口", value))
    d = geojson("units.geojson")
    d["features"][2]["properties"]["id"] = d["features"][3]["properties"]["id"]
    case("unit_duplicate_id", "error_or_warn", ["units"], files={"units.geojson": dump(d)})


def layer_cases(total):
    empty = dump({"type": "FeatureCollection", "features": []})
    for layer in ("facilities", "units"):
        case("empty_" + layer, "error_or_warn", [layer], files={layer + ".geojson": empty})
        case("not_json_" + layer, "error", [layer], files={layer + ".geojson": b"{ this is not json"})
        case("truncated_json_" + layer, "error", [layer], files={layer + ".geojson": rd(layer + ".geojson")[:1000]})
        case("zero_bytes_" + layer, "error", [layer], files={layer + ".geojson": b""})
        case("binary_" + layer, "error", [layer], files={layer + ".geojson": bytes(range(256)) * 40})
    case("empty_residential", "error", ["residential"], study=STUDY.replace("path: residential.shp",
                                                                        "path: residential.geojson"),
         files={"residential.geojson": empty}, setup="res_geojson")
    # Facilities as a lon/lat CSV (Excel's way).
    csv = rd("facilities.csv").decode("utf-8")
    st = STUDY.replace("path: facilities.geojson", "path: facilities.csv\n  crs: EPSG:4326")
    lines = csv.splitlines()
    header = lines[0].split(",")
    case("csv_ok", "ok", [], files={"facilities.csv": csv.encode()}, study=st, cmd="check", total=total)
    case("csv_no_lonlat", "error", ["facilities"], study=st,
         files={"facilities.csv": ("\n".join(",".join(c for k, c in enumerate(l.split(",")) if k > 1)
                                             for l in lines) + "\n").encode()})
    case("csv_header_only", "error_or_warn", ["facilities"], study=st, files={"facilities.csv": (lines[0] + "\n").encode()})
    case("csv_empty", "error", ["facilities"], study=st, files={"facilities.csv": b""})
    swapped = [lines[0]] + [",".join([l.split(",")[1], l.split(",")[0]] + l.split(",")[2:]) for l in lines[1:]]
    case("csv_lonlat_swapped", "error", ["facilities"], study=st, files={"facilities.csv": ("\n".join(swapped) + "\n").encode()})
    bad = [lines[0]] + ["abc," + l.split(",", 1)[1] if i == 2 else l for i, l in enumerate(lines[1:])]
    case("csv_lon_text", "error", ["facilities"], study=st, files={"facilities.csv": ("\n".join(bad) + "\n").encode()})
    bad = [lines[0]] + ["-8.6,95.5," + l.split(",", 2)[2] if i == 2 else l for i, l in enumerate(lines[1:])]
    case("csv_lat_out_of_range", "error", ["facilities"], study=st, files={"facilities.csv": ("\n".join(bad) + "\n").encode()})
    case("csv_gbk_bytes_labelled_utf8", "error_or_warn", ["facilities"], study=st,
         files={"facilities.csv": csv.encode("gbk", errors="replace")})
    case("csv_gbk_declared", "ok", [], study=st.replace("path: facilities.csv", "path: facilities.csv\n  encoding: GBK"),
         files={"facilities.csv": csv.encode("gbk", errors="replace")}, cmd="check", total=total)
    case("csv_ragged_row", "any", ["facilities"], study=st,
         files={"facilities.csv": (csv + "1,2,3\n").encode()})
    case("csv_nul_bytes", "any", ["facilities"], study=st, files={"facilities.csv": csv.encode()[:500] + b"\0\0\0" + csv.encode()[500:]})
    # Roads (network mode).
    stn = STUDY + ROADS
    case("roads_ok", "ok", [], study=stn, cmd="check", args=["--mode", "network"], total=total)
    case("roads_empty", "error", ["roads"], study=stn, files={"roads.geojson": empty}, cmd="check", args=["--mode", "network"])
    case("roads_not_json", "error", ["roads"], study=stn, files={"roads.geojson": b"[1,2"}, cmd="check", args=["--mode", "network"])
    d = geojson("roads.geojson")
    d["features"][3]["geometry"] = {"type": "LineString", "coordinates": [[float("nan"), 41.1], [-8.6, 41.1]]}
    case("roads_nan_vertex", "error_or_warn", ["roads"], study=stn, files={"roads.geojson": dump(d)}, cmd="check",
         args=["--mode", "network"])
    d = geojson("roads.geojson")
    d["features"][3]["geometry"] = {"type": "Point", "coordinates": [-8.6, 41.1]}
    case("roads_point", "any", ["roads"], study=stn, files={"roads.geojson": dump(d)}, cmd="check", args=["--mode", "network"])
    d = geojson("roads.geojson")
    for feat in d["features"]:
        g = feat["geometry"]
        if g and g["type"] == "LineString":
            g["coordinates"] = [[p[0] + 3.0, p[1]] for p in g["coordinates"]]
    case("roads_elsewhere", "error", ["roads"], study=stn, files={"roads.geojson": dump(d)}, cmd="check",
         args=["--mode", "network"])


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    make_base()
    # Residential as GeoJSON too (for the geometry cases), from the exported Shapefile.
    ogr("-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=9", os.path.join(BASE, "residential.geojson"),
        os.path.join(BASE, "residential.shp"))
    total = residents_total()[0]
    study_cases()
    shapefile_cases(total)
    geometry_cases(total)
    attribute_cases(total)
    layer_cases(total)
    names = set()
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        d = os.path.join(OUT, c["name"])
        os.makedirs(d)
        for f in os.listdir(BASE):  # hard links: 200 copies of the base would be 300 MB
            if f not in c["remove"] and f not in c["files"] and f != "study.yml":
                os.link(os.path.join(BASE, f), os.path.join(d, f))
        for f, data in c["files"].items():
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(data)
        text = c["study"] if c["study"] is not None else STUDY
        with open(os.path.join(d, "study.yml"), "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        if c["setup"] == "residential_is_dir":
            os.makedirs(os.path.join(d, "adir", "x.shp"))
        if c["setup"] == "residential_fifo":
            os.mkfifo(os.path.join(d, "fifo.geojson"))
        del c["files"], c["study"], c["remove"]
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"base_total_residents": total, "cases": CASES}, f, ensure_ascii=False, indent=1)
    print("%d cases in %s" % (len(CASES), OUT))


main()
