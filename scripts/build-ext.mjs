// `make build`: assembles the loadable extensions from the canonical manifest.json,
// extension/ and the release WASM package (pkg/):
//   dist/chrome/   + dist/pending-chrome.zip    (service-worker background, side panel)
//   dist/firefox/  + dist/pending-firefox.zip   (background scripts, sidebar, gecko id)
// `--pkg DIR --out DIR` take another package and output directory: `make build-test`
// (for `make test-e2e`) assembles dist-test/ from pkg-test/, the build with the cargo
// feature `test-hooks`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: opts } = parseArgs({ options: { pkg: { type: 'string', default: 'pkg' }, out: { type: 'string', default: 'dist' } } });
const pkg = path.resolve(root, opts.pkg);
const dist = path.resolve(root, opts.out);
const GECKO_ID = 'pending@pending-extension.dev';

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));

function firefoxManifest(m) {
  const f = structuredClone(m);
  f.background = { scripts: [m.background.service_worker], type: 'module' };
  delete f.side_panel;
  delete f.minimum_chrome_version;
  f.permissions = f.permissions.filter((p) => p !== 'sidePanel');
  f.sidebar_action = {
    default_panel: 'popup.html',
    default_title: m.name,
    default_icon: m.action.default_icon,
    open_at_install: false,
  };
  f.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: '142.0',
      // The extension sends nothing to its developers, but it does send the user's API
      // key (authentication information) to a third party: the API the user configured,
      // as its Authorization header.
      data_collection_permissions: { required: ['authenticationInfo'] },
    },
  };
  return f;
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(src, dst);
    else fs.copyFileSync(src, dst);
  }
}

function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  }).sort();
}

// A minimal ZIP writer (deflate, fixed timestamp so builds are reproducible).
function zip(dir, out) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const name of listFiles(dir)) {
    const data = fs.readFileSync(path.join(dir, name));
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data) >>> 0;
    const nameBuf = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0); header.writeUInt16LE(20, 4); header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(8, 8); header.writeUInt16LE(0, 10); header.writeUInt16LE(0x21, 12);
    header.writeUInt32LE(crc, 14); header.writeUInt32LE(packed.length, 18); header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBuf.length, 26); header.writeUInt16LE(0, 28);
    locals.push(header, nameBuf, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(20, 4); entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8); entry.writeUInt16LE(8, 10); entry.writeUInt16LE(0, 12); entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16); entry.writeUInt32LE(packed.length, 20); entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBuf.length, 28); entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBuf);
    offset += header.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  fs.writeFileSync(out, Buffer.concat([...locals, cd, end]));
}

const pkgFiles = ['pending_core.js', 'pending_core_bg.wasm'];
for (const f of pkgFiles) {
  if (!fs.existsSync(path.join(pkg, f))) {
    throw new Error(`${path.relative(root, pkg)}/${f} is missing: run make ${opts.pkg === 'pkg' ? 'wasm' : 'wasm-test'} first`);
  }
}

for (const [browser, m] of [['chrome', manifest], ['firefox', firefoxManifest(manifest)]]) {
  const out = path.join(dist, browser);
  fs.rmSync(out, { recursive: true, force: true });
  copyDir(path.join(root, 'extension'), out);
  fs.mkdirSync(path.join(out, 'pkg'));
  for (const f of pkgFiles) fs.copyFileSync(path.join(pkg, f), path.join(out, 'pkg', f));
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  const zipPath = path.join(dist, `pending-${browser}.zip`);
  zip(out, zipPath);
  console.log(`built ${path.relative(root, out)}/ and ${path.relative(root, zipPath)} (${fs.statSync(zipPath).size} bytes)`);
}
