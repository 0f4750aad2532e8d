// serve.test.mjs: `clustermatch serve` in a real browser (Debian's Chromium, headless,
// driven by puppeteer-core). Run by tests/sh/t902-serve-browser.sh, which starts the
// server and computes the expectations with the command line:
//   CM_URL       the server, e.g. http://127.0.0.1:40123
//   CM_OUT       where screenshots go
//   CM_EXPECT    JSON: { top: name of the CLI's first partner, hits: rows the CLI ranks,
//                bad: path of a YAML with mistakes, errors: ["file:line:col: message", ...] }
// Checks: type "packag" in the sector search and pick Packaging; type "shanxi" in the
// region search, see Shanxi 山西 and Shaanxi 陕西 apart, pick Shaanxi; submit; the result
// lists the CLI's top partner first with a map marker per row; upload a YAML with mistakes
// and see validate's messages with line:col. No request leaves the server, no console error
// (a CSP violation would be one).
import puppeteer from 'puppeteer-core';

const url = process.env.CM_URL;
const out = process.env.CM_OUT;
const expect = JSON.parse(process.env.CM_EXPECT);
let failures = 0;
function check(what, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}${ok || detail === undefined ? '' : ` (${detail})`}`);
  if (!ok) failures++;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--lang=en-GB'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 });
  const foreign = [], consoleErrors = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  // The page with the upload's problems is answered 422 on purpose; Chromium logs that.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(url + '/', { waitUntil: 'load' });
  await page.waitForSelector('body[data-vocab-ready]', { timeout: 15000 });
  await page.type('#f-name', 'Packaging Valley Test Cluster');
  await page.type('#f-country', 'DE');

  // Sectors: "packag" offers Packaging.
  await page.type('#f-sector-1', 'packag');
  await page.waitForSelector('#sectors .suggest li', { visible: true });
  const sectorOptions = await page.$$eval('#sectors .suggest li', (ls) => ls.map((l) => l.firstChild.textContent));
  check('"packag" suggests Packaging first', sectorOptions[0] === 'Packaging', sectorOptions.join(' | '));
  await page.screenshot({ path: `${out}/serve-form.png`, fullPage: false });
  const packaging = (await page.$$('#sectors .suggest li'))[sectorOptions.indexOf('Packaging')];
  if (packaging) await packaging.click();
  check('picking fills the sector id', (await page.$eval('#f-sector-1', (i) => i.value)) === 'packaging');

  // Regions: "shanxi" shows both provinces, told apart by their characters.
  await page.type('#f-region-1', 'shanxi');
  await page.waitForSelector('#regions .suggest li', { visible: true });
  const regionOptions = await page.$$eval('#regions .suggest li', (ls) => ls.map((l) => l.textContent));
  check('"shanxi" shows Shanxi 山西', regionOptions.some((t) => t.startsWith('Shanxi 山西')), regionOptions.join(' | '));
  check('"shanxi" shows Shaanxi 陕西 too', regionOptions.some((t) => t.startsWith('Shaanxi 陕西')), regionOptions.join(' | '));
  await page.$eval('#regions', (e) => e.scrollIntoView());
  await page.screenshot({ path: `${out}/serve-regions.png`, fullPage: false });
  const shaanxi = (await page.$$('#regions .suggest li'))[regionOptions.findIndex((t) => t.startsWith('Shaanxi 陕西'))];
  if (shaanxi) await shaanxi.click();
  check('picking fills the region id', (await page.$eval('#f-region-1', (i) => i.value)) === 'shaanxi');

  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button.primary')]);
  const first = await page.$eval('tr.hit td.partner strong', (e) => e.textContent).catch(() => '');
  check('result lists the expected top partner', first === expect.top, `got "${first}", want "${expect.top}"`);
  const rows = await page.$$eval('tr.hit', (r) => r.length);
  const markers = await page.$$eval('svg g.marker', (m) => m.length);
  check(`result has ${expect.hits} rows`, rows === expect.hits, rows);
  check('the map has a marker per row', markers === rows && markers > 0, `${markers} markers, ${rows} rows`);
  const markerBoxes = await page.$$eval('svg g.marker', (ms) => ms.map((m) => m.getBoundingClientRect().width));
  check('markers are drawn', markerBoxes.every((w) => w > 0));
  check('download buttons', (await page.$$('.cm-serve-bar button[name=format]')).length === 5);
  await page.screenshot({ path: `${out}/serve-result.png`, fullPage: false });

  // Upload a profile with mistakes.
  await page.goto(url + '/', { waitUntil: 'load' });
  const input = await page.$('#f-file');
  await input.uploadFile(expect.bad);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#upload button:not([formaction])')]);
  const shown = await page.$$eval('.yaml-errors li', (ls) => ls.map((l) => l.textContent.split('\n')[0]));
  check('upload errors are listed', shown.length === expect.errors.length, shown.join(' | '));
  for (const e of expect.errors)
    check(`shown: ${e}`, shown.some((s) => s.includes(e)), shown.join(' | '));
  await page.$eval('#upload', (e) => e.scrollIntoView());
  await page.screenshot({ path: `${out}/serve-error.png`, fullPage: false });

  check('no request to another host', foreign.length === 0, foreign.join(' '));
  check('no console error (CSP included)', consoleErrors.length === 0, consoleErrors.join(' | '));
} finally {
  await browser.close();
}
if (failures) { console.log(`${failures} browser check(s) failed`); process.exit(1); }
console.log('all browser checks passed');
