import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';

/**
 * Where a secret (password, key passphrase, sudo password) comes from. Deliberately there is no
 * "value" variant: a secret on the command line would show in `ps` and shell history.
 */
export type SecretSource =
  { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'prompt'; prompt: string };

export interface PromptIO {
  stdin: Readable;
  stderr: Writable;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

/** Resolves a secret. A trailing newline of a file is dropped (editors add one). */
export async function readSecret(
  source: SecretSource,
  env: NodeJS.ProcessEnv,
  io?: PromptIO,
): Promise<string> {
  switch (source.kind) {
    case 'env': {
      const v = env[source.name];
      if (v === undefined || v === '')
        throw new SecretError(`environment variable ${source.name} is not set`);
      return v;
    }
    case 'file':
      return (await readFile(source.path, 'utf8')).replace(/\r?\n$/, '');
    case 'prompt':
      if (!io) throw new SecretError('no terminal to prompt on');
      return promptHidden(source.prompt, io);
  }
}

interface RawCapable {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

/** Reads one line from a TTY without echoing it. Refuses when stdin is not a terminal. */
export function promptHidden(prompt: string, io: PromptIO): Promise<string> {
  const tty = io.stdin as Readable & RawCapable;
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') {
    return Promise.reject(new SecretError('cannot prompt for a secret: standard input is not a terminal'));
  }
  const setRaw = tty.setRawMode.bind(tty);
  io.stderr.write(prompt);
  setRaw(true);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      tty.removeListener('data', onData);
      setRaw(false);
      tty.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new SecretError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    tty.on('data', onData);
    tty.resume();
  });
}
