import type { Readable, Writable } from 'node:stream';

export class PromptError extends Error {
  override name = 'PromptError';
}

interface TtyIn extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Reads one line typed on a terminal without echoing it. Ctrl-C aborts. */
export function readHidden(stdin: TtyIn, stderr: Writable, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new PromptError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of piped standard input (without its line ending). */
async function readFirstLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * A new password, never from argv: on a terminal it is typed twice without echo; otherwise the first
 * line of standard input is read (`printf '%s\n' "$PW" | openwatch create-admin …`).
 */
export async function readNewPassword(stdin: Readable, stderr: Writable): Promise<string> {
  const tty = stdin as TtyIn;
  if (!tty.isTTY) {
    const pw = await readFirstLine(stdin);
    if (pw.length === 0) throw new PromptError('no password on standard input');
    return pw;
  }
  const first = await readHidden(tty, stderr, 'Password: ');
  const second = await readHidden(tty, stderr, 'Repeat password: ');
  if (first !== second) throw new PromptError('the passwords do not match');
  if (first.length === 0) throw new PromptError('empty password');
  return first;
}
