#!/usr/bin/env node
// Builds the native addon (build/Release/asyncjob_native.node) with node-gyp.
//
// Runs as the package's `install` script and from `npm run build`/`npm test`.
// - Skips the build when the addon is newer than binding.gyp and every file
//   in native/ (pass --force to rebuild anyway).
// - node-gyp: npm's bundled copy (npm_config_node_gyp) when npm runs us, else
//   the local devDependency, else `node-gyp` on PATH.
// - Offline: passes --nodedir when headers matching this Node are installed
//   locally (e.g. /usr/include/node); otherwise node-gyp downloads them.
// Exits non-zero with a clear message when the build fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const addon = path.join(root, 'build', 'Release', 'asyncjob_native.node');
const force = process.argv.includes('--force');

function fail(message) {
  console.error(`asyncjob: cannot build the native addon: ${message}`);
  console.error(
    'asyncjob: it needs a C compiler, make and Python 3 (node-gyp), and Node.js ' +
      'headers (installed locally, or downloadable by node-gyp).',
  );
  process.exit(1);
}

function newestSource() {
  let newest = statSync(path.join(root, 'binding.gyp')).mtimeMs;
  for (const name of readdirSync(path.join(root, 'native'))) {
    const m = statSync(path.join(root, 'native', name)).mtimeMs;
    if (m > newest) newest = m;
  }
  return newest;
}

function upToDate() {
  if (force || !existsSync(addon)) return false;
  return statSync(addon).mtimeMs > newestSource();
}

/** A directory whose include/node/node_version.h matches this Node. */
function localNodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(process.execPath, '..', '..'), '/usr', '/usr/local'];
  for (const dir of candidates) {
    if (!dir) continue;
    const header = path.join(dir, 'include', 'node', 'node_version.h');
    if (!existsSync(header) || !existsSync(path.join(path.dirname(header), 'node_api.h'))) continue;
    const text = readFileSync(header, 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map(
      (part) => new RegExp(`#define NODE_${part}_VERSION (\\d+)`).exec(text)?.[1],
    );
    if (v.join('.') === process.versions.node) return dir;
  }
  return null;
}

/** [command, leading args] for node-gyp. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, [fromNpm]];
  const local = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(local)) return [process.execPath, [local]];
  return ['node-gyp', []];
}

if (!existsSync(path.join(root, 'binding.gyp'))) fail('binding.gyp is missing');

if (upToDate()) {
  console.log('asyncjob: native addon is up to date');
  process.exit(0);
}

const [command, lead] = nodeGyp();
const args = [...lead, 'rebuild'];
const nodedir = localNodeDir();
if (nodedir) args.push(`--nodedir=${nodedir}`);

console.log(`asyncjob: building the native addon (${[path.basename(command), ...args].join(' ')})`);
const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
if (result.error) fail(`could not run node-gyp: ${result.error.message}`);
if (result.status !== 0) fail(`node-gyp exited with ${result.status ?? `signal ${result.signal}`}`);
if (!existsSync(addon)) fail(`node-gyp succeeded but ${path.relative(root, addon)} is missing`);
console.log(`asyncjob: built ${path.relative(root, addon)}`);
