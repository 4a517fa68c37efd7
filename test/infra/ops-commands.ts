import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/cli.ts';
import { inChroot } from '../helpers/debian-root.ts';
import { tempDir } from '../helpers/tmp.ts';

const exec = promisify(execFile);
const DOCS = join(ROOT, 'docs', 'operations');

/** One line of an `sh` block in docs/operations/**: where it is and the command without its comment. */
export interface DocCommand {
  where: string;
  command: string;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => f.endsWith('.md'))
    .sort();
}

/** The order an operator meets them: conventions, install, TLS, backups, the rest, runbooks, upgrade last. */
const FIRST = ['README.md', 'deployment.md', 'tls.md', 'backup.md'];
const rank = (f: string) => {
  const name = relative(DOCS, f);
  const first = FIRST.indexOf(name);
  return first >= 0 ? first : name === 'upgrade.md' ? 99 : name.startsWith('runbooks/') ? 50 : 10;
};

/** Every command of every ```sh block under docs/operations, in the order above. */
export function documentedCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  const files = markdownFiles(DOCS).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const file of files) {
    let inSh = false;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^```/.test(line)) inSh = !inSh && line.trim() === '```sh';
        else if (inSh) {
          const command = line.replace(/\s+#\s.*$/, '').trim();
          if (command !== '' && !command.startsWith('#'))
            out.push({ where: `${relative(ROOT, file)}:${i + 1}`, command });
        }
      });
  }
  return out;
}

/** What a command needs from the installed instance the test runs. */
export interface Instance {
  root: string;
  /** The port serve listens on (the docs say 8443). */
  port: number;
  /** An empty database for "restore onto a new machine". */
  emptyDsn: string;
  passphrase: string;
  adminPassword: string;
  /** systemctl verbs on our units, carried out on processes started with the unit's ExecStart, User and env. */
  systemctl(verb: string, unit: string): Promise<string>;
  /** What journald would hold for a unit: the lines its process wrote. */
  journal(unit: string): string;
}

/**
 * The only documented commands no test runs: adding NodeSource's apt repository needs that repository,
 * which the test machine cannot reach. The install test stands in with a nodejs package of the same
 * layout (test/infra/deb-install.test.ts).
 */
export const NOT_RUN: ReadonlySet<string> = new Set([
  'apt-get install -y curl gnupg ca-certificates',
  'install -d -m 0755 /etc/apt/keyrings',
  'curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg',
  'echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" > /etc/apt/sources.list.d/nodesource.list',
  'apt-get update',
]);

export interface Outcome {
  code: number;
  output: string;
  /** How the command ran, when not as written (no systemd in the root, a placeholder filled in). */
  how: string;
}

/** Placeholders of the docs, filled in for this instance. */
function concrete(command: string, i: Instance): string {
  return command
    .replace(/https:\/\/(127\.0\.0\.1|localhost):8443/g, `https://127.0.0.1:${i.port}`)
    .replace(/\.\/openwatch_[^ ]*_all\.deb/g, '/tmp/openwatch.deb')
    .replace('OPENWATCH_BACKUP_PASSPHRASE=…', 'OPENWATCH_BACKUP_PASSPHRASE="$DRILL_PASSPHRASE"')
    .replace(
      /\/var\/backups\/openwatch\/openwatch-backup-\d{8}T\d{6}Z\.tar\.gz/,
      '"$(ls -t /var/backups/openwatch/openwatch-backup-*.tar.gz | head -1)"',
    );
}

/** As root in the installed root, in /root, with secrets.env loaded (docs/operations/README.md). */
function asOperator(i: Instance, script: string, env: Record<string, string> = {}) {
  return inChroot(
    i.root,
    ['sh', '-c', `cd /root && set -a && . /etc/openwatch/secrets.env && set +a && ${script}`],
    {
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: '/root',
        DEBIAN_FRONTEND: 'noninteractive',
        DRILL_PASSPHRASE: i.passphrase,
        OPENWATCH_BACKUP_PASSPHRASE: i.passphrase,
        ADMIN_PASSWORD: i.adminPassword,
        ...env,
      },
    },
  );
}

const onHost = async (cmd: string, cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const r = await exec('sh', ['-c', cmd], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

/**
 * Runs one documented command against the instance. Commands for the host's own shell run in the
 * installed root; `curl`, `sha256sum` and `journalctl` run on this machine (the root has no curl, the
 * build is here, and no journald runs); `systemctl` acts on the processes the test manages.
 */
export async function runDocumented(cmd: string, i: Instance): Promise<Outcome> {
  const c = concrete(cmd, i);
  let m: RegExpExecArray | null;
  if (c === 'npm run package') {
    // Already run by the test's setup (scripts/package.mjs is what it runs); its output is checked below.
    const r = await onHost('ls build/openwatch_*_all.deb build/SHA256SUMS');
    return { code: r.code, output: r.stdout + r.stderr, how: 'run by the setup; its outputs listed' };
  }
  if (c === 'sha256sum -c SHA256SUMS') {
    const r = await onHost(c, join(ROOT, 'build'));
    return { code: r.code, output: r.stdout + r.stderr, how: 'on this machine, in build/' };
  }
  if ((m = /^systemctl (enable --now|start|stop|restart|status) (.+)$/.exec(c))) {
    const [, verb = '', units = ''] = m;
    const outputs: string[] = [];
    for (const unit of units.split(' ')) outputs.push(await i.systemctl(verb, unit));
    return { code: 0, output: outputs.join('\n'), how: 'systemctl carried out on the unit’s ExecStart' };
  }
  if ((m = /^journalctl -u (\S+) -n (\d+) -o cat$/.exec(c))) {
    // The same options against an (empty) journal directory, then the lines the process wrote.
    const dir = tempDir('ow-journal');
    const r = await onHost(`journalctl --directory=${dir} -u ${m[1]} -n ${m[2]} -o cat`);
    const lines = i
      .journal(m[1] ?? '')
      .trim()
      .split('\n')
      .slice(-Number(m[2]));
    return {
      code: r.code,
      output: lines.join('\n'),
      how: 'options checked by journalctl; lines from the process',
    };
  }
  if (c.startsWith('curl ')) {
    const r = await onHost(c);
    return { code: r.code, output: r.stdout + r.stderr, how: 'on this machine, against serve in the root' };
  }
  if ((m = /^openwatch restore \/path\/to\/archive\.tar\.gz$/.exec(c))) {
    const r = await asOperator(
      i,
      `OPENWATCH_DATABASE_DSN='${i.emptyDsn}' openwatch restore /var/backups/openwatch/now.tar.gz`,
    );
    return {
      code: r.code,
      output: r.stdout + r.stderr,
      how: 'the archive written above, into an empty database',
    };
  }
  // sudo is not in a minbase root: setpriv (util-linux) does the same switch of user and groups for root.
  const script = c.replace(/sudo -u (\w+) /g, 'setpriv --reuid=$1 --regid=$1 --init-groups -- ');
  const r = await asOperator(i, script);
  return { code: r.code, output: r.stdout + r.stderr, how: script === cmd ? '' : script };
}
