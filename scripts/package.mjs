#!/usr/bin/env node
// `npm run package`: builds build/openwatch_<version>_all.deb and build/SHA256SUMS from the build
// (dist/), bin/, migrations/, the UI, the password blocklist, package.json + lock and the production
// dependencies (`npm ci --omit=dev`), with the units, config and maintainer scripts from infra/.
// Layout and install behaviour: docs/operations/deployment.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'build');
const version = String(
  /\"version\":\s*"([^"]+)"/.exec(readFileSync(join(ROOT, 'package.json'), 'utf8'))?.[1],
);
const NAME = `openwatch_${version}_all`;
const STAGE = join(OUT, NAME);
const APP = join(STAGE, 'usr/lib/openwatch');
/** @param {string} cmd @param {string[]} args @param {string} [cwd] */
const run = (cmd, args, cwd = ROOT) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

rmSync(STAGE, { recursive: true, force: true });
run(process.execPath, ['scripts/build.mjs', '--if-stale']);
mkdirSync(APP, { recursive: true });
for (const p of [
  'dist',
  'bin',
  'migrations',
  'web/public',
  'core/identity/common-passwords.txt.gz',
  'package.json',
  'package-lock.json',
])
  cpSync(join(ROOT, p), join(APP, p), { recursive: true });
// Production dependencies only; no lifecycle scripts (the build is already in dist/).
run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], APP);

/** @param {string} from @param {string} to @param {number} mode */
const put = (from, to, mode) => {
  mkdirSync(dirname(join(STAGE, to)), { recursive: true });
  cpSync(join(ROOT, from), join(STAGE, to));
  chmodSync(join(STAGE, to), mode);
};
put('infra/debian/openwatch', 'usr/bin/openwatch', 0o755);
put('infra/debian/openwatch.toml', 'etc/openwatch/openwatch.toml', 0o644);
for (const u of readdirSync(join(ROOT, 'infra/systemd')))
  put(`infra/systemd/${u}`, `lib/systemd/system/${u}`, 0o644);
cpSync(join(ROOT, 'docs/operations'), join(STAGE, 'usr/share/doc/openwatch/operations'), { recursive: true });
cpSync(join(ROOT, 'docs/configuration.md'), join(STAGE, 'usr/share/doc/openwatch/configuration.md'));
for (const s of ['postinst', 'prerm', 'postrm']) put(`infra/debian/${s}`, `DEBIAN/${s}`, 0o755);
writeFileSync(join(STAGE, 'DEBIAN/conffiles'), '/etc/openwatch/openwatch.toml\n');
const size = execFileSync('du', ['-sk', STAGE]).toString().split('\t')[0];
writeFileSync(
  join(STAGE, 'DEBIAN/control'),
  [
    'Package: openwatch',
    `Version: ${version}`,
    'Architecture: all',
    'Maintainer: OpenWatch maintainers <maintainers@openwatch.invalid>',
    `Installed-Size: ${size}`,
    // Node.js >= 20.19: Debian 12's own nodejs (18) does not satisfy this; NodeSource's nodejs 20.x/22.x
    // apt repository does (docs/operations/deployment.md), as does Debian 13's nodejs 20.19.
    'Depends: adduser, openssl, tar, nodejs (>= 20.19)',
    'Recommends: postgresql (>= 14)',
    'Section: admin',
    'Priority: optional',
    'Homepage: https://openwatch.invalid',
    'Description: agentless compliance scanning for Linux fleets over SSH',
    ' OpenWatch scans hosts over SSH against YAML rules mapped to CIS, STIG, NIST 800-53 and PCI-DSS',
    ' and keeps verdicts and evidence in PostgreSQL. Needs nodejs >= 20.19: on Debian 12 (whose nodejs',
    " is 18) add NodeSource's nodejs 20.x or 22.x apt repository first.",
    '',
  ].join('\n'),
);
const deb = join(OUT, `${NAME}.deb`);
run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', STAGE, deb]);
const sum = createHash('sha256').update(readFileSync(deb)).digest('hex');
writeFileSync(join(OUT, 'SHA256SUMS'), `${sum}  ${NAME}.deb\n`);
rmSync(STAGE, { recursive: true, force: true });
console.log(`openwatch package: ${deb}\n${sum}  ${NAME}.deb`);
