"""Rebuild data/map/middle_east.geojson from Natural Earth country borders (maintainers only).

The borders come from the npm package world-atlas (Natural Earth 1:50m, as TopoJSON):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 tools/make_map.py package/countries-50m.json

Only the standard library is used. The lessons read the GeoJSON this writes; they never download a map.
"""
import json
import sys
from pathlib import Path

# ISO 3166-1 numeric codes of Iraq and its neighbours
COUNTRIES = {"368": "Iraq", "364": "Iran", "760": "Syria", "792": "Turkey", "400": "Jordan", "682": "Saudi Arabia",
             "414": "Kuwait"}
OUT = Path(__file__).resolve().parents[1] / "data" / "map" / "middle_east.geojson"


def decode_arcs(topology):
    """TopoJSON stores delta-encoded, quantized arcs; turn them into lists of (longitude, latitude)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 3), round(y * sy + ty, 3)))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def main(source):
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = str(geometry.get("id", "")).zfill(3)
        if code not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[ring(arcs, r) for r in polygon] for polygon in polygons]
        features.append({"type": "Feature", "properties": {"name": COUNTRIES[code], "iso_n3": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    collection = {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["properties"]["name"])}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")))
    print(f"wrote {OUT} ({len(features)} countries, {OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/countries-50m.json")
