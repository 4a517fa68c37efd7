import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive, run, runQuiet } from './sshd-sys.ts';

/**
 * Throw-away login users for the SSH tests. Root's ~/.bashrc on this kind of machine costs ~140 ms per
 * exec, so most tests log in as a user with a plain /bin/sh. Names carry the creating pid
 * (`owt<pid36><n>s`), which makes parallel test files independent and lets a later run sweep the leftovers
 * of a crashed one.
 */
export interface TestUser {
  name: string;
  password: string;
  home: string;
  /** `nopasswd`: `sudo -n` works; `password`: sudo asks for `password`; `none`: not in sudoers. */
  sudo: 'nopasswd' | 'password' | 'none';
}

export interface TestUsers {
  sudoNopasswd: TestUser;
  sudoPassword: TestUser;
  noSudo: TestUser;
  remove(): void;
}

const COMMENT_PREFIX = 'openwatch-test pid=';
const SUDOERS_DIR = '/etc/sudoers.d';

/** Removes users and sudoers drop-ins left by test processes that are no longer alive. */
export function sweepStaleUsers(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , , , gecos] = line.split(':');
    if (!name || !gecos?.startsWith(COMMENT_PREFIX)) continue;
    const pid = Number(gecos.slice(COMMENT_PREFIX.length));
    if (Number.isInteger(pid) && !pidAlive(pid)) {
      runQuiet('userdel', [name]);
      for (const f of readdirSync(SUDOERS_DIR))
        if (f.startsWith(`openwatch-test-${pid}-`)) runQuiet('rm', ['-f', join(SUDOERS_DIR, f)]);
    }
  }
}

let labSeq = 0;

export async function addUser(name: string, home: string, sudo: TestUser['sudo']): Promise<TestUser> {
  const password = randomBytes(12).toString('base64url');
  mkdirSync(home, { recursive: true, mode: 0o755 });
  await run('useradd', [
    '-M',
    '-d',
    home,
    '-s',
    '/bin/sh',
    '-c',
    `${COMMENT_PREFIX}${process.pid}`,
    '-U',
    name,
  ]);
  const ids = (await run('id', ['-u', name])).trim();
  const gid = (await run('id', ['-g', name])).trim();
  chownSync(home, Number(ids), Number(gid));
  await run('chpasswd', [], `${name}:${password}\n`);
  return { name, password, home, sudo };
}

/** Creates the three test users under `dir` plus a validated sudoers drop-in. */
export async function createTestUsers(dir: string): Promise<TestUsers> {
  sweepStaleUsers();
  const seq = ++labSeq;
  const tag = `owt${process.pid.toString(36)}${seq}`;
  const created: string[] = [];
  const dropIn = join(SUDOERS_DIR, `openwatch-test-${process.pid}-${seq}`);
  const remove = () => {
    runQuiet('rm', ['-f', dropIn]);
    for (const name of created) runQuiet('userdel', [name]);
  };
  try {
    const make = async (suffix: string, sudo: TestUser['sudo']) => {
      const user = await addUser(`${tag}${suffix}`, join(dir, 'home', `${tag}${suffix}`), sudo);
      created.push(user.name);
      return user;
    };
    const sudoNopasswd = await make('s', 'nopasswd');
    const sudoPassword = await make('p', 'password');
    const noSudo = await make('n', 'none');
    const staged = join(dir, 'sudoers');
    writeFileSync(
      staged,
      [
        `${sudoNopasswd.name} ALL=(ALL) NOPASSWD: ALL`,
        `${sudoPassword.name} ALL=(ALL) ALL`,
        `Defaults:${sudoPassword.name} lecture=never`,
        '',
      ].join('\n'),
      { mode: 0o440 },
    );
    await run('visudo', ['-c', '-q', '-f', staged]);
    writeFileSync(dropIn, readFileSync(staged), { mode: 0o440 });
    unlinkSync(staged);
    return { sudoNopasswd, sudoPassword, noSudo, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
