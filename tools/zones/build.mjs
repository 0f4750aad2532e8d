// Converts the vendored development-zone sources (data/sources/) into partner files.
//
//   cd tools/zones && npm ci && node build.mjs      (or `make data` from the top)
//
// Inputs: data/sources/zones-2018-catalogue/catalogue-2018.csv, data/sources/post-2018/*.csv,
// data/sources/zone-merges.csv, and the vocabularies data/sectors.yaml (Chinese aliases),
// data/regions*.yaml (places) and data/zone-types.yaml.
// Outputs: data/partners/zones-2018-national.yaml, zones-2018-provincial.yaml,
// zones-post-2018.yaml, zones-post-2018-clusters.yaml and data/sources/unmapped-industries.txt.
//
// Everything is deterministic: the same inputs give byte-identical outputs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { pinyin } from 'pinyin-pro';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// CM_ZONES_DATA: convert into another data directory (a scratch copy), for trying a change.
const DATA = process.env.CM_ZONES_DATA || path.join(ROOT, 'data');
const SRC = path.join(DATA, 'sources');
const CATALOGUE_SOURCE =
  'China Development Zone Audit Catalogue (2018 edition), NDRC, MOST, MLR, MOHURD, MOFCOM and GAC announcement 2018 No. 4';

// ------------------------------------------------------------------------------ CSV, YAML
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; }
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const head = rows.shift();
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}
const readCsv = (f) => parseCsv(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
const readYaml = (f) => YAML.parse(fs.readFileSync(f, 'utf8'));

// A YAML scalar, quoted when plain style could be misread.
function ys(v) {
  if (typeof v === 'number') return String(v);
  const s = String(v);
  if (s === '' || /^[\s\-?:,\[\]{}#&*!|>'"%@`]|[:#]\s|\s$|^(true|false|null|yes|no|on|off|~)$/i.test(s) ||
      /^[0-9.+-]/.test(s) || /[\n"]/.test(s) || s.includes(': ') || s.includes(' #'))
    return JSON.stringify(s);
  return s;
}
const ylist = (a) => '[' + a.map(ys).join(', ') + ']';
function fold(text, width, indent) {
  const words = text.split(/\s+/).filter(Boolean);
  const lines = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(cur); cur = w; }
    else cur = cur ? cur + ' ' + w : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

// ------------------------------------------------------------------------------ vocabularies
const sectorsDoc = readYaml(path.join(DATA, 'sectors.yaml')).sectors;
const sectorById = new Map(sectorsDoc.map((s) => [s.id, s]));
const aliasZh = new Map();              // Chinese phrase -> sector id
for (const s of sectorsDoc) for (const a of s['aliases-zh'] || []) aliasZh.set(a, s.id);
const zoneTypes = new Map(readYaml(path.join(DATA, 'zone-types.yaml'))['zone-types'].map((z) => [z.id, z]));

// Catalogue phrases carry no sector of their own: they name a trade regime or nothing at all.
// 在建 means "under construction".
const NO_SECTOR = new Set(['在建', '保税加工', '出口加工', '进出口加工', '加工制造', '保税服务', '服务', '临港加工',
  '加工', '制造', '进口产品加工', '生产加工', '资源进出口加工', '高技术', '产品组装', '零部件', '产品加工']);

// Phrases too broad to say what a zone makes: they keep a low weight so that a zone listing
// "equipment manufacturing" or "new materials" does not match every machinery or materials
// profile as strongly as a zone that names its product.
const BROAD = new Set(`装备制造 机械 机械装备 先进制造 高端制造 机械设备 设备制造 装备机械 装备组装制造 特色装备 轻工 轻工产品
  轻工产品加工 轻工业产品加工 新材料 材料 电子信息 电子信息技术 信息 新信息 能源 综合能源利用 新能源 清洁能源 绿色能源 生物 电子
  节能环保 环保 环保节能 智能制造 金属 冶金 商贸 贸易 商务 商贸服务 商务商贸 资源加工`.split(/\s+/).filter(Boolean));
const W_BROAD = 0.3;
// The strongest weight a catalogue phrase gives: a word in a 2018 list is weaker evidence of
// what a zone does today than a described, sourced cluster record (weight 1).
const W_SPECIFIC = 0.5;

// Weight of the i-th listed industry: the catalogue lists the main one first.
const positionFactor = (i) => Math.max(0.6, 1 - 0.1 * i);

function normPhrase(p) { return p.trim().replace(/\.$/, ''); }   // one phrase ends in an ASCII full stop

// Sector weights from a list of Chinese industry phrases, in order. Returns { sectors, unmapped }.
function sectorsFromPhrases(phrases) {
  const w = new Map();
  const unmapped = [];
  phrases.forEach((raw, i) => {
    const p = normPhrase(raw);
    const id = aliasZh.get(p);
    if (!id) { unmapped.push(raw); return; }
    const x = Math.round((BROAD.has(p) ? W_BROAD : W_SPECIFIC) * positionFactor(i) * 100) / 100;
    if (!w.has(id) || w.get(id) < x) w.set(id, x);
  });
  return { sectors: w, unmapped };
}

// ------------------------------------------------------------------------------ places
const provinces = [], cities = [];
for (const f of fs.readdirSync(DATA).filter((f) => /^regions.*\.ya?ml$/.test(f)).sort()) {
  const d = readYaml(path.join(DATA, f));
  provinces.push(...(d.provinces || []));
  cities.push(...(d.cities || []), ...(d.divisions || []));   // curated cities, then every division
}
const provinceByZh = new Map(provinces.map((p) => [p['zh-hans'], p]));
const PROVINCE_SUFFIX = /(壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$/;
function provinceOf(zh) {
  const p = provinceByZh.get(zh.replace(PROVINCE_SUFFIX, ''));
  if (!p) throw new Error(`unknown province ${zh}`);
  return p;
}
const cityById = new Map(cities.map((c) => [c.id, c]));
const DIVISION_SUFFIX = /(自治县|自治州|自治旗|地区|新区|林区|特区|盟|县|市|区|旗)$/;
// Chinese spellings of each city: the name, the name without its division suffix (when two or
// more characters remain), and the Chinese aliases.
const cityNames = new Map();            // province id -> [{name, city}]
for (const c of cities) {
  const names = new Set();
  const zh = c['zh-hans'];
  if (zh) {
    names.add(zh);
    const bare = zh.replace(DIVISION_SUFFIX, '');
    if (bare.length >= 2) names.add(bare);
  }
  for (const a of c.aliases || []) if (/[\u4e00-\u9fff]/.test(a)) names.add(a);
  if (!cityNames.has(c.province)) cityNames.set(c.province, []);
  for (const n of names) cityNames.get(c.province).push({ name: n, city: c });
}
const LEVEL_RANK = { prefecture: 1, county: 2, district: 2, town: 3 };
const under = (c, ancestor) => { for (let x = c; x; x = cityById.get(x.parent)) if (x === ancestor) return true; return false; };

// The most specific division named in `texts` (tried in order), within a province.
function placeIn(provinceId, texts) {
  const cand = cityNames.get(provinceId) || [];
  for (const t of texts) {
    if (!t) continue;
    const hits = [];
    for (const { name, city } of cand) {
      const at = t.indexOf(name);
      if (at >= 0) hits.push({ at, len: name.length, city });
    }
    if (!hits.length) continue;
    // Keep hits consistent with the broadest one found (a county inside the named prefecture).
    hits.sort((a, b) => (LEVEL_RANK[a.city.level] ?? 9) - (LEVEL_RANK[b.city.level] ?? 9) || a.at - b.at || b.len - a.len);
    const top = hits[0].city;
    const nested = hits.filter((h) => under(h.city, top));
    nested.sort((a, b) => (LEVEL_RANK[b.city.level] ?? 0) - (LEVEL_RANK[a.city.level] ?? 0) || a.at - b.at || b.len - a.len);
    let best = nested[0];
    // 淮安 names both the prefecture and its district 淮安区: the same words mean the broader one.
    const topHit = hits[0];
    if (best.city !== top && best.at === topHit.at && best.len <= topHit.len) best = topHit;
    // Two different divisions of the same rank both named: keep the broader one.
    const same = nested.filter((h) => h.city !== best.city && (LEVEL_RANK[h.city.level] ?? 0) === (LEVEL_RANK[best.city.level] ?? 0) && !under(h.city, best.city) && !under(best.city, h.city));
    if (same.length && best.city !== top) return top;
    return best.city;
  }
  return null;
}

// ------------------------------------------------------------------------------ English names
// Type suffixes, longest first, and other terms translated inside names; what is left is a
// place or a proper name and is written in pinyin.
const SUFFIXES = [
  ['国家高新技术产业开发区', 'National High-tech Industrial Development Zone'],
  ['高新技术产业开发区', 'High-tech Industrial Development Zone'],
  ['火炬高技术产业开发区', 'Torch High-tech Industrial Development Zone'],
  ['高技术产业开发区', 'High-tech Industrial Development Zone'],
  ['高新技术产业园区', 'High-tech Industrial Park'],
  ['高新技术开发区', 'High-tech Development Zone'],
  ['新技术产业开发区', 'New Technology Industrial Development Zone'],
  ['新技术开发区', 'New Technology Development Zone'],
  ['经济技术开发区', 'Economic and Technological Development Zone'],
  ['综合保税区', 'Comprehensive Bonded Zone'],
  ['保税物流园区', 'Bonded Logistics Park'],
  ['保税港区', 'Bonded Port Area'],
  ['出口加工区', 'Export Processing Zone'],
  ['保税区', 'Bonded Zone'],
  ['跨境经济合作区', 'Cross-border Economic Cooperation Zone'],
  ['边境经济合作区', 'Border Economic Cooperation Zone'],
  ['经济合作区', 'Economic Cooperation Zone'],
  ['互市贸易区', 'Border Trade Zone'],
  ['经济开发区', 'Economic Development Zone'],
  ['工业开发区', 'Industrial Development Zone'],
  ['产业开发区', 'Industrial Development Zone'],
  ['工业集中区', 'Industrial Concentration Zone'],
  ['产业集聚区', 'Industrial Agglomeration Zone'],
  ['工业园区', 'Industrial Park'],
  ['产业园区', 'Industrial Park'],
  ['科技工业园', 'Science and Technology Industrial Park'],
  ['科技园区', 'Science and Technology Park'],
  ['产业园', 'Industrial Park'],
  ['工业园', 'Industrial Park'],
  ['国家旅游度假区', 'National Tourist Resort'],
  ['旅游度假区', 'Tourist Resort'],
  ['台商投资区', "Taiwanese Investment Zone"],
  ['投资区', 'Investment Zone'],
  ['示范基地', 'Demonstration Base'],
  ['示范区', 'Demonstration Zone'],
  ['开发区', 'Development Zone'],
  ['自由贸易试验区', 'Pilot Free Trade Zone'],
  ['边境贸易加工区', 'Border Trade Processing Zone'],
  ['加工区', 'Processing Zone'],
  ['工业区', 'Industrial Zone'],
  ['经济区', 'Economic Zone'],
  ['园区', 'Park'],
  ['园', 'Park'],
];
const TERMS = new Map(Object.entries({
  '高新区': 'High-tech Zone', '经开区': 'Economic Development Zone', '产业转移': 'Industrial Transfer',
  '产业示范': 'Industrial Demonstration', '产业': 'Industrial', '工业': 'Industrial', '经济': 'Economic',
  '新区': 'New Area', '开发': 'Development', '科技': 'Science and Technology', '高新': 'High-tech',
  '国家': 'National', '国际': 'International', '生态': 'Eco', '循环经济': 'Circular Economy',
  '化工': 'Chemical', '石化': 'Petrochemical', '盐化工': 'Salt Chemical', '煤化工': 'Coal Chemical',
  '精细化工': 'Fine Chemical', '医药': 'Pharmaceutical', '生物医药': 'Biomedical', '物流': 'Logistics',
  '保税': 'Bonded', '港': 'Port', '空港': 'Airport', '综合': 'Comprehensive',
  '高端装备制造': 'High-end Equipment Manufacturing', '装备制造': 'Equipment Manufacturing',
  '新材料': 'New Materials', '海峡两岸': 'Cross-Strait', '两岸': 'Cross-Strait', '台湾': 'Taiwan',
  '中德': 'Sino-German', '中俄': 'Sino-Russian', '中新': 'Sino-Singapore', '中韩': 'Sino-Korean',
  '中日': 'Sino-Japanese', '中法': 'Sino-French', '中以': 'Sino-Israeli', '中哈': 'China-Kazakhstan',
  '中国老挝': 'China-Laos', '中国': 'China', '中华': 'Chinese', '民营': 'Private Enterprise',
  '现代': 'Modern', '农业': 'Agricultural', '食品': 'Food', '纺织': 'Textile', '服装': 'Garment',
  '汽车': 'Automotive', '电子': 'Electronics', '光电': 'Optoelectronics', '能源': 'Energy',
  '新能源': 'New Energy', '陶瓷': 'Ceramics', '钢铁': 'Iron and Steel', '有色金属': 'Non-ferrous Metals',
  '冶金': 'Metallurgical', '建材': 'Building Materials', '家具': 'Furniture', '五金': 'Hardware',
  '机电': 'Electromechanical', '创新': 'Innovation', '创业': 'Entrepreneurship', '软件': 'Software',
  '旅游': 'Tourism', '度假': 'Resort', '文化': 'Cultural', '贸易': 'Trade', '商贸': 'Trade',
  '合作': 'Cooperation', '边境': 'Border', '跨境': 'Cross-border', '示范': 'Demonstration',
  '集中区': 'Concentration Zone', '集聚区': 'Agglomeration Zone', '基地': 'Base', '园区': 'Park',
  '省': 'Provincial', '县': 'County', '自治县': 'Autonomous County', '旗': 'Banner', '市': '', '区': 'District',
  '城': 'City', '北区': 'North Zone', '南区': 'South Zone', '东区': 'East Zone', '西区': 'West Zone',
  '成渝地区': 'Chengdu-Chongqing', '地区': 'Region', '京津冀': 'Beijing-Tianjin-Hebei', '长三角': 'Yangtze River Delta',
  '苏南五市': 'five cities of southern Jiangsu', '环杭州湾城市': 'Hangzhou Bay cities', '浙东': 'Eastern Zhejiang',
  '服务外包': 'Service Outsourcing', '化学工业': 'Chemical Industry', '试验区': 'Pilot Zone', '特别': 'Special', '粤桂': 'Guangdong-Guangxi', '循环': 'Circular', '北部湾': 'Beibu Gulf', '经济区': 'Economic Zone',
  '核心': 'Core', '火炬': 'Torch', '合作中心': 'Cooperation Centre',
  '中方配套区': 'Chinese Supporting Area', '配套区': 'Supporting Area', '苹果': 'Apple', '口岸': 'Port', '湾': 'Bay', '清洁能源': 'Clean Energy', '硒谷': 'Selenium Valley',
  '含': 'including', '新疆生产建设兵团': 'Xinjiang Production and Construction Corps', '兵团': 'Corps',
  '片区': 'Area', '边境贸易': 'Border Trade', '加工区': 'Processing Zone', '互市': 'Border Market',
  '出口加工': 'Export Processing', '物流园': 'Logistics Park', '科技城': 'Science City', '科学城': 'Science City',
  '高新技术': 'High-tech', '技术': 'Technology', '农产品': 'Agricultural Products', '加工': 'Processing',
  '民族': 'Ethnic', '特色': 'Featured', '产业集群': 'Industrial Cluster', '集群': 'Cluster', '先进制造业': 'Advanced Manufacturing',
  '化学原料药': 'Pharmaceutical Raw Materials', '台商投资': 'Taiwanese Investment', '金融贸易': 'Finance and Trade',
  '长江大桥': 'Yangtze River Bridge', '黄河三角洲': 'Yellow River Delta', '三角洲': 'Delta', '再生资源': 'Renewable Resources', '承接': '',
  '装备': 'Equipment', '富硅材料': 'Silicon-rich Materials', '新兴': 'Emerging',
}));
// Province names count only where a name starts (平山西柏坡 holds 山西 by accident).
const PROVINCE_ZH = new Set(provinces.flatMap((p) => [p['zh-hans'], ...(p.aliases || [])]).filter(Boolean));
// Place spellings for name segmentation: provinces (short and full), and every city spelling.
const PLACES = new Map();
for (const p of provinces) {
  if (p['zh-hans']) PLACES.set(p['zh-hans'], p.name);
  for (const a of p.aliases || []) if (/^[\u4e00-\u9fff]+$/.test(a)) PLACES.set(a, p.name);
}
for (const c of cities) {
  const zh = c['zh-hans'];
  if (!zh) continue;
  const bare = zh.replace(DIVISION_SUFFIX, '');
  // "Taizhou (Zhejiang)" tells the two Taizhous apart in lists; inside a name the province is
  // already there or implied, so the place is plain Taizhou.
  const en = c.name.replace(/ \([^)]*\)$/, '').replace(/ (County|District|City|Banner|Autonomous County|Autonomous Prefecture|Prefecture)$/, '');
  if (bare.length >= 2 && !PLACES.has(bare)) PLACES.set(bare, en);
  if (!PLACES.has(zh)) PLACES.set(zh, zh === bare ? en : null);   // null: segment, then suffix term
}

// Pinyin of a run of characters as one word: syllables joined, an apostrophe before a syllable
// that starts with a, o or e, first letter capital.
function pinyinWord(run) {
  const syl = pinyin(run, { toneType: 'none', type: 'array', v: true }).map((s) => s.replace(/ü/g, 'u').replace(/v/g, 'u'));
  let w = '';
  syl.forEach((s, i) => { w += (i && /^[aoe]/.test(s) ? "'" : '') + s; });
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function englishName(zh) {
  let name = zh.replace(/湽博/g, '淄博');
  let suffix = '', tail = '';
  const paren = /（[^（）]*）$/.exec(name);      // a closing note: （含新疆生产建设兵团片区）
  if (paren && paren.index > 0) { tail = paren[0]; name = name.slice(0, paren.index); }
  for (const [z, e] of SUFFIXES) if (name.endsWith(z) && name.length > z.length) { suffix = e; name = name.slice(0, -z.length); break; }
  const out = [];
  let run = '';
  // A run of unknown characters ending in 县, 市 or 旗 is a division's name: 淮阳县 is Huaiyang County.
  const flush = () => {
    if (!run) return;
    const m = (run.length >= 3 && /^(.+?)(自治县|县|市|旗)$/.exec(run)) || (run.length === 2 && /^(.)(县)$/.exec(run));
    if (m) { out.push(pinyinWord(m[1])); if (TERMS.get(m[2])) out.push(TERMS.get(m[2])); }
    else out.push(pinyinWord(run));
    run = '';
  };
  for (let i = 0; i < name.length;) {
    const ch = name[i];
    if (ch === '（' || ch === '(') { flush(); out.push('('); i++; continue; }
    if (ch === '）' || ch === ')') { flush(); out.push(')'); i++; continue; }
    if (ch === '—' || ch === '-' || ch === '·') { flush(); out.push('-'); i++; continue; }
    if (!/[\u4e00-\u9fff]/.test(ch)) { flush(); out.push(ch); i++; continue; }
    // Longest place or term starting here (places win ties: 新区 names are places too).
    let best = null;
    for (let L = Math.min(8, name.length - i); L >= 1 && !best; L--) {
      const s = name.substr(i, L);
      if (PLACES.has(s) && PLACES.get(s) && (!PROVINCE_ZH.has(s) || i === 0 || /[（(]/.test(name[i - 1])))
        best = { s, en: PLACES.get(s) };
      else if (TERMS.has(s) && (L >= 2 || !run || true)) best = { s, en: TERMS.get(s) };
    }
    // A one-character term glued to a proper name (县, 市, 区, 港, 城, 旗) only counts after a
    // word, never in the middle of a run of unknown characters.
    if (best && best.s.length === 1 && run) best = null;
    if (!best) { run += ch; i++; continue; }
    flush();
    if (best.en) out.push(best.en);
    i += best.s.length;
  }
  flush();
  if (suffix) out.push(suffix);
  if (tail) out.push(englishName(tail));
  // Tidy: no space inside brackets or around dashes; "Eco" glues to the next word.
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ - /g, '-').replace(/\bEco /g, 'Eco-')
    .replace(/\s+/g, ' ').trim();
}

// ------------------------------------------------------------------------------ catalogue
const TYPE_OF = {
  '国务院|经济技术开发区': 'national-etdz', '国务院|高新技术产业开发区': 'national-htz',
  '国务院|海关特殊监管区域': 'customs-special-zone', '国务院|边境/跨境经济合作区': 'border-cooperation-zone',
  '国务院|其他类型开发区': 'other-national-zone', '省政府|经济开发区': 'provincial-edz',
  '省政府|高新技术产业开发区': 'provincial-htz', '省政府|工业园区': 'provincial-industrial-park',
};
const catalogue = readCsv(path.join(SRC, 'zones-2018-catalogue/catalogue-2018.csv'));
const merges = new Map(readCsv(path.join(SRC, 'zone-merges.csv')).map((r) => [r.code, r.id]));
const upgrades = readCsv(path.join(SRC, 'post-2018/national-zone-upgrades.csv'));
const upgradeByCode = new Map(upgrades.filter((u) => u.catalogue_code).map((u) => [u.catalogue_code, u]));
// National ETDZs the State Council took off the national list after MOFCOM's evaluation.
const exitByCode = new Map(readCsv(path.join(SRC, 'post-2018/national-zone-exits.csv')).map((x) => [x.code, x]));

// Partners already written by hand keep their id; merged catalogue zones must be among them.
const handWritten = new Map();
for (const f of fs.readdirSync(path.join(DATA, 'partners')).filter((f) => f.endsWith('.yaml') && !/^zones-(2018|post-2018)/.test(f))) {
  for (const p of readYaml(path.join(DATA, 'partners', f)).partners || []) handWritten.set(p.id, { ...p, file: f });
}
for (const [code, id] of merges) {
  const p = handWritten.get(id);
  if (!p) throw new Error(`zone-merges.csv: ${code} -> ${id}: no such hand-written partner`);
  if (p.code !== code) throw new Error(`zone-merges.csv: ${id} must carry code: ${code}`);
}

const dupCodes = new Map();
for (const r of catalogue) dupCodes.set(r['代码'], (dupCodes.get(r['代码']) || 0) + 1);

const unmappedCount = new Map();
let mentions = 0, mappedMentions = 0;
const stats = { byType: new Map(), noCity: 0, noSector: 0 };

function zoneId(r) {
  const code = r['代码'];
  let id = 'zone-' + code.toLowerCase();
  if (dupCodes.get(code) > 1) id += '-' + pinyinWord(r['城市/区县'].replace(/湽博/g, '淄博')).toLowerCase().replace(/[^a-z]/g, '');
  return id;
}

const LEVEL_EN = { national: 'national', provincial: 'provincial' };
const fmtArea = (ha) => Number(ha).toLocaleString('en-GB', { maximumFractionDigits: 2 });

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const monthYear = (d) => { const [y, m] = d.split('.'); return m ? `${MONTHS[Number(m) - 1]} ${y}` : y; };

function describe(z) {
  const t = zoneTypes.get(z.type);
  const where = z.city ? `${z.city.name.replace(/ \([^)]*\)$/, "")}, ${z.province.name}` : z.province.name;
  const secs = [...z.sectors.keys()].slice(0, 4).map((id) => sectorById.get(id).label.replace(/ \(.*\)$/, '').toLowerCase());
  const label = z.withdrawn ? 'former national economic and technological development zone' : t.label.replace(/ \(.*\)$/, '');
  let s = `${label.charAt(0).toUpperCase() + label.slice(1)} in ${where}, approved in ` +
    `${z.approved.split('/').map(monthYear).join(' and ')} with ${fmtArea(z.area)} ha`;
  s += z.upgraded ? `, made a national zone in ${z.upgraded.approved.slice(0, 4)}` : '';
  s += z.withdrawn ? `; taken off the list of national zones in ${monthYear(z.withdrawn.withdrawn.replace('-', '.'))} ` +
    'and shown here as a provincial development zone (an estimate of its status since)' : '';
  s += secs.length ? `. Leading sectors in the 2018 catalogue: ${secs.join('; ')}.` : '.';
  return s;
}

function emitZone(z) {
  const L = [];
  L.push(`  - id: ${z.id}`);
  L.push(`    kind: ${z.kind || 'zone'}`);
  if (z.type) L.push(`    zone-type: ${z.type}`, `    level: ${z.level}`);
  if (z.code) L.push(`    code: ${z.code}`);
  L.push(`    name: ${ys(z.name)}`);
  if (z.nameZh) L.push(`    name-zh: ${ys(z.nameZh)}`);
  L.push(`    name-zh-hans: ${ys(z.nameZhHans)}`);
  L.push(`    province: ${z.province.id}`);
  if (z.city) L.push(`    city: ${z.city.id}`);
  const at = z.city && z.city.lat != null ? z.city : z.province;
  L.push(`    lat: ${Number(at.lat).toFixed(2)}`, `    lon: ${Number(at.lon).toFixed(2)}`, '    approximate: true');
  L.push('    sectors: {' + [...z.sectors].map(([k, v]) => `${k}: ${v}`).join(', ') + '}');
  if (z.industries) L.push(`    industries-zh: ${ylist(z.industries)}`);
  L.push('    description: >-', fold(z.description, 90, '      '));
  if (z.figures) L.push('    figures: {' + Object.entries(z.figures).map(([k, v]) => `${k}: ${ys(v)}`).join(', ') + '}');
  L.push('    source: >-', fold(z.source, 90, '      '));
  L.push(`    as-of: ${z.asOf}`);
  return L.join('\n');
}

const national = [], provincial = [];
for (const r of catalogue) {
  const code = r['代码'];
  const type0 = TYPE_OF[`${r['批准级别']}|${r['开发区类型']}`];
  if (!type0) throw new Error(`${code}: unknown type ${r['批准级别']} ${r['开发区类型']}`);
  stats.byType.set(type0, (stats.byType.get(type0) || 0) + 1);
  const phrases = r['主导产业'].split('、').map((p) => p.trim()).filter(Boolean);
  const { sectors, unmapped } = sectorsFromPhrases(phrases);
  mentions += phrases.length;
  mappedMentions += phrases.length - unmapped.length;
  for (const u of unmapped) unmappedCount.set(u, (unmappedCount.get(u) || 0) + 1);
  if (merges.has(code)) continue;        // the hand-written record stands for it
  const province = provinceOf(r['省份']);
  const nameFixed = r['开发区名称'].replace(/湽博/g, '淄博');
  const city = placeIn(province.id, [r['城市/区县'].replace(/湽博/g, '淄博'), nameFixed]);
  const up = upgradeByCode.get(code), gone = exitByCode.get(code);
  const z = {
    id: zoneId(r), code, province, city, sectors, industries: phrases,
    type: up ? (up.type === 'HTZ' ? 'national-htz' : 'national-etdz') : gone ? 'provincial-edz' : type0,
    approved: r['批准时间'], area: r['核准面积_公顷'], upgraded: up, withdrawn: gone,
  };
  z.level = zoneTypes.get(z.type).level;
  if (up) {
    // The zone keeps its catalogue record, with the level and name it has now.
    z.nameZhHans = up.name_zh;
    z.nameZh = r['开发区名称'];
    z.name = englishName(up.name_zh);
    z.source = `${CATALOGUE_SOURCE}, code ${code} (as ${r['开发区名称']}); upgrade: ${up.source_title} (${up.source_url})`;
    z.asOf = Number(up.approved.slice(0, 4));
  } else if (gone) {
    z.nameZhHans = r['开发区名称'];
    z.name = englishName(r['开发区名称']);
    z.source = `${CATALOGUE_SOURCE}, code ${code}; withdrawal: ${gone.source_title} (${gone.source_url})`;
    z.asOf = Number(gone.withdrawn.slice(0, 4));
  } else {
    z.nameZhHans = r['开发区名称'];
    z.name = englishName(r['开发区名称']);
    z.source = `${CATALOGUE_SOURCE}, code ${code}`;
    z.asOf = 2018;
  }
  if (!sectors.size) {
    // Nothing named a sector (在建 "under construction", or a trade regime only): the zone
    // type says what it is for, at a low weight.
    stats.noSector++;
    sectors.set(z.type === 'customs-special-zone' ? 'logistics' : 'machinery', W_BROAD);
  }
  z.figures = { 'approved-area-ha': Number(r['核准面积_公顷']), approved: r['批准时间'] };
  z.description = describe(z);
  if (!city) stats.noCity++;
  (code.startsWith('G') ? national : provincial).push(z);
}

const header = (what) => `# GENERATED by tools/zones/build.mjs from data/sources/ (\`make data\`): do not edit by hand.
# ${what}
# Names: Chinese as printed in the source (name-zh-hans); English built by rule: the type
# suffix translated, place names in pinyin. Sectors: the leading industries (主导产业, kept in
# industries-zh) resolved through the Chinese aliases of data/sectors.yaml; broad phrases get
# weight ${W_BROAD}, later-listed industries a little less than earlier ones. Coordinates: the
# centre of the zone's county or city (its province when no division is named), approximate.
`;
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.id < b.id ? -1 : 1);
national.sort(byCode);
provincial.sort(byCode);
const writeAtomic = (f, text) => { fs.writeFileSync(f + '.tmp', text); fs.renameSync(f + '.tmp', f); };
writeAtomic(path.join(DATA, 'partners/zones-2018-national.yaml'),
  header('National zones (codes G...) of the China Development Zone Audit Catalogue (2018 edition).') +
  '\npartners:\n' + national.map(emitZone).join('\n\n') + '\n');
writeAtomic(path.join(DATA, 'partners/zones-2018-provincial.yaml'),
  header('Provincial zones (codes S...) of the China Development Zone Audit Catalogue (2018 edition).') +
  '\npartners:\n' + provincial.map(emitZone).join('\n\n') + '\n');

// ------------------------------------------------------------------------------ report
const share = mappedMentions / mentions;
const rep = [...unmappedCount].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
writeAtomic(path.join(SRC, 'unmapped-industries.txt'),
  `# GENERATED by tools/zones/build.mjs: leading-industry phrases of the 2018 catalogue that no
# sector alias resolves (data/sectors.yaml, aliases-zh), with the number of zones naming each.
# 在建 means "under construction"; the others name a trade regime (bonded or export
# processing) or no industry at all ("processing", "manufacturing", "services").
# mentions: ${mentions}; mapped: ${mappedMentions} (${(100 * share).toFixed(2)}%); unmapped: ${mentions - mappedMentions} in ${rep.length} phrases
` + rep.map(([p, n]) => `${n}\t${p}`).join('\n') + '\n');

console.log(`catalogue: ${catalogue.length} zones (${national.length} national + ${provincial.length} provincial written, ${merges.size} merged into hand-written records)`);
console.log(`mentions mapped: ${mappedMentions}/${mentions} = ${(100 * share).toFixed(2)}%; zones with no sector from the catalogue: ${stats.noSector}; without a city: ${stats.noCity}`);
console.log('by type: ' + [...stats.byType].map(([k, v]) => `${k} ${v}`).join(', ') + '\n');

// ------------------------------------------------------------------------------ after 2018
// Pilot free trade zones, national new areas, and the two national cluster lists. Their
// sectors come from short English statements of focus (FTZs, new areas, MIIT sector words),
// read with the keyword table below, or from the list's Chinese sector words through the
// Chinese aliases (NDRC). Like catalogue phrases, a list entry is weaker evidence than a
// described record: the first sector gets W_SPECIFIC, later ones a little less.
const EN_KEYWORDS = [
  [/integrated circuit/, 'semiconductors'], [/information (&|and) communication|communications?\b/, 'telecommunications'],
  [/internet of things/, 'internet-of-things'], [/ultra-hd video|display/, 'electronics'],
  [/home appliance/, 'household-appliances'], [/construction machinery/, 'industrial-machinery'],
  [/software/, 'software'], [/mobile terminal|intelligent terminal/, 'electronics'], [/nano/, 'new-materials'],
  [/batter(y|ies)/, 'energy-storage'], [/speech|voice ai|\bai\b|artificial intelligence/, 'artificial-intelligence'],
  [/robot|intelligent equipment|intelligent manufacturing|smart manufacturing/, 'machine-tools-robotics'],
  [/machine tool/, 'machine-tools-robotics'], [/biomedic|biopharm|medicine|biotechnolog/, 'biopharma'],
  [/medical device/, 'medical-devices'], [/smart grid|power equipment|energy equipment|power (&|and) new-energy equipment/, 'power-equipment'],
  [/security (&|and) surveillance/, 'electronics'], [/rail transit/, 'rail-transport'],
  [/magnetic material|carbon material|superhard material|rare-earth|new materials/, 'new-materials'],
  [/aviation|aero-engine|aircraft|aerospace/, 'aerospace'], [/electrical equipment/, 'electrical-equipment'],
  [/optoelectronic/, 'optics-photonics'], [/new-energy vehicle|new energy vehicle/, 'new-energy-vehicles'],
  [/automobile|\bauto\b/, 'automotive'], [/life sciences|health industry|biological health/, 'human-health'],
  [/electronic information/, 'electronics'], [/offshore engineering|ships?\b|shipbuilding/, 'shipbuilding'],
  [/textile/, 'textiles'], [/apparel/, 'apparel'], [/home furnishing/, 'furniture'],
  [/computing system|it application|information technology|new-generation it|\bit\b/, 'ict'],
  [/dairy|food/, 'food'], [/coal chemical/, 'coking'], [/safety (&|and) emergency equipment/, 'industrial-machinery'],
  [/scientific instrument/, 'measuring-instruments'], [/non-ferrous|precious metal/, 'non-ferrous-metals'],
  [/petrochemical/, 'basic-chemicals'], [/photovoltaic/, 'solar-pv'], [/agricultural machinery/, 'agricultural-machinery'],
  [/financ|leasing/, 'financial-services'], [/logistic|multimodal/, 'logistics'], [/shipping|port services|gateway port/, 'maritime-transport'],
  [/e-commerce|commodity|\btrade\b|consumption|cross-border/, 'distribution-ecommerce'],
  [/advanced manufacturing|high-end manufacturing|equipment manufacturing|high-end equipment|manufacturing/, 'machinery'],
  [/digital economy|big data|cloud computing/, 'big-data-cloud'], [/touris/, 'tourism'],
  [/agricultur/, 'agriculture'], [/\boil\b|bunkering/, 'oil-gas'], [/healthcare/, 'healthcare-services'],
  [/\bcultur|creative design/, 'creative-industries'], [/science and education|education/, 'education-research'],
  [/technology services|tech services|sci-tech services|modern services|services/, 'business-services'],
  [/new energy\b|renewable/, 'renewable-energy'], [/marine|deep-sea/, 'maritime'], [/organosilicon/, 'silicon-products'],
  [/remanufacturing/, 'recycling'], [/beverage/, 'beverages'],
];
function sectorsFromEnglish(text) {
  const t = text.toLowerCase();
  const hits = [];
  for (const [re, id] of EN_KEYWORDS) {
    const m = re.exec(t);
    if (m) hits.push([m.index, id]);
  }
  hits.sort((a, b) => a[0] - b[0]);
  const w = new Map();
  for (const [, id] of hits) {
    if (w.has(id) || w.size >= 6) continue;
    w.set(id, Math.round(W_SPECIFIC * positionFactor(w.size) * 100) / 100);
  }
  return w;
}
function sectorsFromChinese(text) {
  // Longest alias first, each part of the text used once: 生物医药 before 医药.
  const w = new Map();
  let rest = text;
  const found = [];
  for (const a of [...aliasZh.keys()].sort((x, y) => y.length - x.length || (x < y ? -1 : 1))) {
    if (a.length < 2) continue;
    const at = rest.indexOf(a);
    if (at < 0) continue;
    found.push([text.indexOf(a), aliasZh.get(a), BROAD.has(a)]);
    rest = rest.slice(0, at) + '　'.repeat(a.length) + rest.slice(at + a.length);
  }
  found.sort((a, b) => a[0] - b[0]);
  for (const [, id, broad] of found)
    if (!w.has(id)) w.set(id, Math.round((broad ? W_BROAD : W_SPECIFIC) * positionFactor(w.size) * 100) / 100);
  return w;
}
const slug = (s) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\([^)]*\)/g, ' ')
  .replace(/['’]/g, '').replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const provinceByName = new Map(provinces.map((p) => [p.name.toLowerCase(), p]));
const cityByName = new Map();
for (const c of cities) if (!cityByName.has(c.name.toLowerCase())) cityByName.set(c.name.toLowerCase(), c);
const firstSource = (r) => r.source_title.split(' | ').map((t, i) => `${t} (${r.source_url.split(' | ')[i] || ''})`).join('; ');
const handByZh = new Map([...handWritten.values()].filter((p) => p['name-zh-hans']).map((p) => [p['name-zh-hans'], p]));

const post = [], postClusters = [], postMerged = [];
for (const r of readCsv(path.join(SRC, 'post-2018/free-trade-zones.csv'))) {
  if (handByZh.has(r.name_zh)) { postMerged.push(`${r.name_zh} -> ${handByZh.get(r.name_zh).id}`); continue; }
  const province = provinceByName.get(r.province.toLowerCase());
  if (!province) throw new Error(`free-trade-zones.csv: unknown province ${r.province}`);
  const areas = r.areas_zh.split('; ');
  post.push({
    id: `${province.id}-ftz`, type: 'pilot-free-trade-zone', level: 'national', province, city: null,
    name: r.name_en, nameZhHans: r.name_zh, sectors: sectorsFromEnglish(r.focus_industries_en),
    description: `Pilot free trade zone approved in ${r.approved_year}, with ${areas.length} area${areas.length > 1 ? 's' : ''} ` +
      `(片区: ${areas.join('、')}). Focus as its plan states it: ${r.focus_industries_en.replace(/\.$/, '')}.`,
    figures: { approved: r.approved_year, areas: areas.length },
    source: firstSource(r), asOf: Number(r.approved_year),
  });
}
for (const r of readCsv(path.join(SRC, 'post-2018/national-new-areas.csv'))) {
  const province = provinceByName.get(r.province.toLowerCase());
  if (!province) throw new Error(`national-new-areas.csv: unknown province ${r.province}`);
  const cityEn = r.city.split(/[;(]/)[0].trim().toLowerCase();
  // The city the list names; failing that (a municipality, or a name two cities share) the
  // division the Chinese name holds (上海浦东新区: Pudong; 福建福州新区: Fuzhou).
  const city = (cityByName.get(cityEn) && cityByName.get(cityEn).province === province.id ? cityByName.get(cityEn) : null)
    || placeIn(province.id, [r.name_zh]);
  post.push({
    id: slug(r.name_en), type: 'national-new-area', level: 'national', province, city,
    name: r.name_en, nameZhHans: r.name_zh, sectors: sectorsFromEnglish(r.focus_industries_en),
    description: `National new area approved by the State Council in ${r.approved_year} (${r.city}). Its stated role: ` +
      `${r.focus_industries_en.replace(/\.$/, '')}.`,
    figures: { approved: r.approved_year }, source: firstSource(r), asOf: Number(r.approved_year),
  });
}
// National zones approved after 2018 with no predecessor in the catalogue (upgrades whose
// provincial zone was approved after February 2018): a record of their own, national from
// the start, with the leading industries the cited page names (industries_zh), if any.
for (const u of upgrades.filter((x) => !x.catalogue_code)) {
  const province = provinceOf(u.province_zh);
  const city = placeIn(province.id, [u.city_zh, u.name_zh]);
  const type = u.type === 'HTZ' ? 'national-htz' : 'national-etdz';
  const phrases = (u.industries_zh || '').split('、').map((x) => x.trim()).filter(Boolean);
  const { sectors, unmapped } = sectorsFromPhrases(phrases);
  if (unmapped.length) throw new Error(`national-zone-upgrades.csv: ${u.name_zh}: unmapped industries ${unmapped.join(', ')}`);
  const label = zoneTypes.get(type).label.replace(/ \(.*\)$/, '');
  const where = city ? `${city.name.replace(/ \([^)]*\)$/, "")}, ${province.name}` : province.name;
  const secs = [...sectors.keys()].map((id) => sectorById.get(id).label.replace(/ \(.*\)$/, '').toLowerCase());
  const slugType = type === 'national-htz' ? 'htz' : 'etdz';
  post.push({
    id: `zone-${slug(englishName(u.name_zh.replace(/(高新技术产业开发区|经济技术开发区)$/, '').replace(new RegExp(`^${province['zh-hans']}`), '')))
      .replace(/-/g, '')}-${slugType}`,
    type, level: 'national', province, city, name: englishName(u.name_zh), nameZhHans: u.name_zh, sectors,
    industries: phrases.length ? phrases : null,
    description: `${label.charAt(0).toUpperCase() + label.slice(1)} in ${where}, approved by the State Council in ` +
      `${monthYear(u.approved.replace('-', '.'))}; ` +
      (u.predecessor_zh ? `it grew from ${u.predecessor_zh}, which is not in the 2018 catalogue`
        : 'the provincial zone it grew from is not in the 2018 catalogue') +
      (secs.length ? `. Leading industries as the cited page names them: ${secs.join('; ')}.` : '.'),
    figures: { approved: u.approved }, source: `${u.source_title} (${u.source_url})`, asOf: Number(u.approved.slice(0, 4)),
  });
}
const BATCH = { '2021-first-round': ['2021', 'first round (25 winners, March 2021)'],
  '2022-second-round': ['2022', 'second round (20 winners, November 2022)'], '2024': ['2024', '2024 round (35 winners, December 2024)'] };
const firstChineseRun = (s) => (/[\u4e00-\u9fff]+/.exec(s) || [''])[0];
for (const r of readCsv(path.join(SRC, 'post-2018/miit-advanced-manufacturing-clusters.csv'))) {
  const province = provinceOf(r.provinces_zh.split('; ')[0]);
  const cityZh = r.cities_zh.split(/[;(]/).map((s) => s.trim())[0];
  const city = placeIn(province.id, [cityZh]);
  const [year, round] = BATCH[r.batch];
  const sectors = sectorsFromEnglish(r.sector_en);
  for (const [k, v] of sectorsFromChinese(r.name_zh)) if (!sectors.has(k)) sectors.set(k, Math.min(v, W_SPECIFIC * 0.8));
  // Where: the cities the list names (a region such as 京津冀 when it names one), in English.
  const region = /\[region\]/.test(r.cities_zh) && /^(京津冀|长三角)/.exec(r.name_zh);
  const parts = r.cities_zh.replace(/\s*\[[^\]]*\]/g, '').replace(/[(（][^)）]*[)）]/g, '').split(/;|\+/).map((x) => firstChineseRun(x)).filter(Boolean);
  const placeEn = region ? englishName(region[1])
    : parts.slice(0, 4).map((x) => englishName(x)).join('-') + (parts.length > 4 ? ' and others' : '');
  postClusters.push({
    kind: 'cluster', id: `miit-${slug(placeEn).split('-').slice(0, 3).join('-')}-${slug(r.sector_en).split('-').slice(0, 6).join('-')}`,
    province, city: parts.length === 1 || !region ? city : null,
    name: `${placeEn} ${r.sector_en} cluster (national advanced manufacturing cluster)`,
    nameZhHans: r.name_zh, sectors,
    description: `National advanced manufacturing cluster chosen by the Ministry of Industry and Information ` +
      `Technology in its ${round}: ${r.sector_en} in ${placeEn} (${r.cities_zh.replace(/\s*\[[^\]]*\]/g, '')}).`,
    source: `MIIT national advanced manufacturing cluster list, ${year}, as reported by: ${firstSource(r)}`, asOf: Number(year),
  });
}
for (const r of readCsv(path.join(SRC, 'post-2018/ndrc-strategic-emerging-clusters-2019.csv'))) {
  const province = provinceOf(r.province_zh);
  const city = placeIn(province.id, [r.city_zh]);
  postClusters.push({
    kind: 'cluster', id: `ndrc-${slug(englishName(r.city_zh))}-${slug(r.sector_en)}`, province, city,
    name: `${englishName(r.city_zh)} ${r.sector_en} cluster (national strategic emerging industry cluster)`,
    nameZhHans: `${r.city_zh}${r.sector_zh}产业集群`, sectors: sectorsFromChinese(r.sector_zh),
    description: `One of the 66 national strategic emerging industry clusters of the first batch named by the National ` +
      `Development and Reform Commission in 2019 (发改高技〔2019〕1473号): ${r.sector_en} in ${englishName(r.city_zh)}.`,
    source: `NDRC first batch of national strategic emerging industry clusters (2019), as reported by: ${firstSource(r)}; ` +
      'Chinese name composed from the list\'s city and sector', asOf: 2019,
  });
}
// A cluster named for one industry is not also "machinery" because its name says
// "manufacturing" (电子信息先进制造, 绿色光伏先进制造), nor also, at a lower weight, a broad
// sector above the specific one it names (碳材料 is new materials, not materials as well);
// a broad sector named first (信息技术应用创新: ict, then software) stays.
const ancestors = (id, acc = new Set()) => {
  for (const p of sectorById.get(id).parents || []) if (!acc.has(p)) { acc.add(p); ancestors(p, acc); }
  return acc;
};
for (const z of postClusters) {
  const ids = [...z.sectors.keys()];
  for (const id of ids)
    if (ids.some((o) => o !== id && ancestors(o).has(id) && z.sectors.get(o) > z.sectors.get(id))) z.sectors.delete(id);
  if (z.sectors.size > 1 && z.sectors.has('machinery') && !/equipment|machinery|machine/i.test(z.name))
    z.sectors.delete('machinery');
}
for (const z of [...post, ...postClusters]) {
  if (!z.sectors.size) {
    // Positioning only ("industrial base", "opening-up"): a broad sector at a low weight, said.
    z.sectors.set('machinery', W_BROAD);
    z.description += ' The sources name no industry; the sector given is a placeholder at low weight.';
  }
  if (!z.city) stats.noCity++;
}
const ids = new Set();
for (const z of [...post, ...postClusters]) { if (ids.has(z.id)) throw new Error(`duplicate id ${z.id}`); ids.add(z.id); }
post.sort((a, b) => (a.id < b.id ? -1 : 1));
postClusters.sort((a, b) => (a.id < b.id ? -1 : 1));
const header2 = (what) => `# GENERATED by tools/zones/build.mjs from data/sources/post-2018/ (\`make data\`): do not edit by hand.
# ${what}
# Sectors: read from the source's statement of focus (English keywords or Chinese sector
# aliases); a list entry gives at most weight ${W_SPECIFIC}. Coordinates: the centre of the city
# named first, else the province's capital, approximate. Each record cites its pages.
`;
writeAtomic(path.join(DATA, 'partners/zones-post-2018.yaml'),
  header2('Pilot free trade zones (2013-2023), national new areas (1992-2017) and national zones approved ' +
    'since 2018 that have no predecessor in the 2018 catalogue; the FTZs already in ' +
    'zones-and-innovation-clusters.yaml are not repeated.') + '\npartners:\n' + post.map(emitZone).join('\n\n') + '\n');
writeAtomic(path.join(DATA, 'partners/zones-post-2018-clusters.yaml'),
  header2('MIIT national advanced manufacturing clusters (2021-2024, 68 of 80) and NDRC national strategic ' +
    'emerging industry clusters (2019, 21 of 66).') + '\npartners:\n' + postClusters.map(emitZone).join('\n\n') + '\n');
console.log(`after 2018: ${post.length} zones (${postMerged.length} merged: ${postMerged.join(', ')}), ${postClusters.length} clusters`);
if (share < 0.97) { console.error('error: fewer than 97% of mentions map to a sector'); process.exit(1); }
