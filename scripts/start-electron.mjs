// `npm start`: launches the desktop app where Electron is installed. better-sqlite3 is rebuilt for
// Electron's ABI into .electron-native/ (never over node_modules, which Node uses for CLI and tests).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

function electronBinary() {
  try {
    const bin = require('electron'); // the package exports the binary's path, or throws if not downloaded
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (!electron) {
  console.error(
    'Electron is not installed on this machine (its binary could not be downloaded); run `npm run web` to open VQA² Studio in your browser.',
  );
  process.exit(1);
}

const electronVersion = require('electron/package.json').version;
const nativeDir = path.join(root, '.electron-native', `electron-${electronVersion}`);
const binding = path.join(nativeDir, 'build', 'Release', 'better_sqlite3.node');
if (!fs.existsSync(binding)) {
  console.error(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  fs.rmSync(nativeDir, { recursive: true, force: true });
  fs.cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), nativeDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build${path.sep}`),
  });
  const gyp = process.env.npm_config_node_gyp || 'node-gyp';
  const r = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: nativeDir, stdio: 'inherit' },
  );
  if (r.status !== 0 || !fs.existsSync(binding)) {
    console.error(
      'Could not build better-sqlite3 for Electron; see the output above. `npm run web` works without it.',
    );
    process.exit(3);
  }
}

if (!fs.existsSync(path.join(root, 'out', 'main', 'electron.js'))) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 3);
}

const r = spawnSync(electron, [path.join(root, 'out', 'main', 'electron.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VQA2_SQLITE_BINDING: binding },
});
process.exit(r.status ?? 0);
