import { randomBytes } from 'node:crypto';
import { shellCommand } from '../shell/quote.ts';
import { TransportError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

export interface SudoOptions {
  /** When set, sent on stdin (`sudo -S`); never placed on a command line. Otherwise `sudo -n`. */
  password?: string;
}

/** sudo's own diagnostics (kept in English by `LC_ALL=C`), used only to word the refusal. */
const REASONS: Array<[RegExp, string]> = [
  [/^sudo: (a )?password is required/m, 'sudo needs a password and none was given'],
  [
    /^sudo: (\d+ )?incorrect password attempts?|^sudo: no password was provided/m,
    'the sudo password was rejected',
  ],
  [
    /is not in the sudoers file|^Sorry, user .* (is not allowed|may not run sudo)/m,
    'the user is not allowed to use sudo',
  ],
  [/^sudo: a terminal is required/m, 'sudo requires a terminal (requiretty) for this user'],
  [/sudo: (command )?not found/m, 'sudo is not installed'],
];

/**
 * A Transport decorator that runs every command as root through sudo:
 * `LC_ALL=C sudo -n -- sh -c <cmd>`, or with a password `sudo -k -S -p '' -- sh -c <cmd>` and the
 * password as the first line of stdin (`-k` ignores cached credentials so sudo always consumes it, and
 * the rest of stdin reaches the command untouched).
 *
 * Whether sudo ran the command is decided by a sentinel line the wrapped shell prints to stderr before
 * anything else, not by parsing messages: a command is free to print "sudo: …" and exit 1 itself.
 */
export class SudoTransport implements Transport {
  readonly target: string;
  private readonly sentinel = `__openwatch_sudo_ok_${randomBytes(6).toString('hex')}__`;

  constructor(
    private readonly inner: Transport,
    private readonly options: SudoOptions = {},
  ) {
    this.target = `${inner.target} (sudo)`;
  }

  wrap(command: string): string {
    const sudo = this.options.password !== undefined ? ['sudo', '-k', '-S', '-p', ''] : ['sudo', '-n'];
    const script = `printf '%s\\n' ${this.sentinel} >&2\n${command}`;
    return `LC_ALL=C ${shellCommand([...sudo, '--', 'sh', '-c', script])}`;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { password } = this.options;
    let stdin = options.stdin;
    if (password !== undefined) {
      if (password.includes('\n'))
        throw new TransportError('sudo_refused', 'the sudo password contains a newline');
      stdin = Buffer.concat([
        Buffer.from(`${password}\n`),
        stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin),
      ]);
    }
    const result = await this.inner.exec(this.wrap(command), {
      ...options,
      ...(stdin !== undefined ? { stdin } : {}),
    });
    const marker = Buffer.from(`${this.sentinel}\n`);
    const at = result.stderr.indexOf(marker);
    if (at < 0) {
      const stderr = result.stderr.toString('utf8');
      const reason =
        REASONS.find(([re]) => re.test(stderr))?.[1] ??
        `sudo did not run the command (exit ${result.code}): ${stderr.trim().split('\n')[0] ?? ''}`;
      throw new TransportError('sudo_refused', `sudo on ${this.inner.target} refused: ${reason}`);
    }
    const stderr = Buffer.concat([result.stderr.subarray(0, at), result.stderr.subarray(at + marker.length)]);
    return { ...result, stderr };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
