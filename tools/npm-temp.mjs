// npm-temp.mjs: run a data generator against npm packages installed outside the source tree.
//
// The generators in tools/ read data published on npm at build time only. The packages pinned
// in the generator's package.json / package-lock.json are installed with `npm ci` into a fresh
// temporary directory, `fn` gets a `require` rooted there, and the directory is removed
// afterwards, so neither the source tree nor the build of clustermatch ever depends on npm.
// CM_NPM_DIR=DIR reuses an existing install in DIR (for iterating on a generator; not removed).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function withPackages(here, prefix, fn) {
  const reuse = process.env.CM_NPM_DIR;
  let dir = reuse;
  if (!reuse) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.copyFileSync(path.join(here, 'package.json'), path.join(dir, 'package.json'));
    const lock = path.join(here, 'package-lock.json');
    if (fs.existsSync(lock)) fs.copyFileSync(lock, path.join(dir, 'package-lock.json'));
    execFileSync('npm', [fs.existsSync(lock) ? 'ci' : 'install', '--ignore-scripts', '--omit=dev',
      '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  try {
    return await fn(createRequire(path.join(dir, 'index.js')), dir);
  } finally {
    if (!reuse) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Write `text` to `file` through a temporary file and a rename, so a failed run never leaves
// half a file behind.
export function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
