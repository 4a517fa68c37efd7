import { shellCommand } from '../shell/quote.ts';
import { TransportError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

export interface SudoOptions {
  /** When set, sent on stdin (`sudo -S`); never placed on a command line. Otherwise `sudo -n`. */
  password?: string;
}

/**
 * sudo's own diagnostics when it refuses to run the command. They are only recognised on exit status 1
 * with `sudo:` at the start of a stderr line, and `LC_ALL=C` keeps them in English.
 */
const REFUSALS: Array<[RegExp, string]> = [
  [/^sudo: (a )?password is required/m, 'sudo needs a password and none was given'],
  [/^sudo: (\d+ )?incorrect password attempts?/m, 'the sudo password was rejected'],
  [/^sudo: no password was provided/m, 'the sudo password was rejected'],
  [/is not in the sudoers file|^Sorry, user .* (is not allowed|may not run sudo)/m, 'the user is not allowed to use sudo'],
  [/^sudo: a terminal is required/m, 'sudo requires a terminal (requiretty) for this user'],
];

/** Recognises a sudo refusal in a result, returning the reason, or undefined when sudo ran the command. */
export function sudoRefusal(result: ExecResult): string | undefined {
  if (result.code !== 1) return undefined;
  const stderr = result.stderr.toString('utf8');
  for (const [re, reason] of REFUSALS) if (re.test(stderr)) return reason;
  return undefined;
}

/**
 * A Transport decorator that runs every command as root through sudo:
 * `LC_ALL=C sudo -n -- sh -c <cmd>`, or with a password `sudo -k -S -p '' -- sh -c <cmd>` and the
 * password as the first line of stdin (`-k` ignores cached credentials so sudo always consumes it, and the
 * rest of stdin reaches the command untouched).
 */
export class SudoTransport implements Transport {
  readonly target: string;

  constructor(
    private readonly inner: Transport,
    private readonly options: SudoOptions = {},
  ) {
    this.target = `${inner.target} (sudo)`;
  }

  wrap(command: string): string {
    const sudo = this.options.password !== undefined ? ['sudo', '-k', '-S', '-p', ''] : ['sudo', '-n'];
    return `LC_ALL=C ${shellCommand([...sudo, '--', 'sh', '-c', command])}`;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { password } = this.options;
    let stdin = options.stdin;
    if (password !== undefined) {
      if (password.includes('\n')) throw new TransportError('sudo_refused', 'the sudo password contains a newline');
      stdin = Buffer.concat([Buffer.from(`${password}\n`), stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin)]);
    }
    const result = await this.inner.exec(this.wrap(command), { ...options, ...(stdin !== undefined ? { stdin } : {}) });
    const refusal = sudoRefusal(result);
    if (refusal) throw new TransportError('sudo_refused', `sudo on ${this.inner.target} refused: ${refusal}`);
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
