import ssh2 from 'ssh2';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import { TransportError } from './types.ts';

export interface SshCredentials {
  username: string;
  /** Private key text (OpenSSH or PEM). */
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
}

/**
 * Decrypts the private key once, before connecting: a wrong passphrase is then a clear local error
 * rather than a silent skip inside ssh2, and the bcrypt KDF (~0.4 s) runs once, not per attempt.
 */
export function parsePrivateKey(creds: SshCredentials): ParsedKey | undefined {
  if (creds.privateKey === undefined) return undefined;
  const parsed = ssh2.utils.parseKey(creds.privateKey, creds.passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
    const why = !encrypted
      ? 'it is not a supported private key'
      : creds.passphrase === undefined
        ? 'it is encrypted and no passphrase was given'
        : 'the passphrase is wrong';
    throw new TransportError('auth_failed', `cannot use the private key: ${why}`);
  }
  return parsed;
}

/**
 * The methods to try, in order: the key, then the password, then keyboard-interactive answering
 * password prompts with it (servers authenticating through PAM ask that way).
 */
export function authMethods(creds: SshCredentials, key: ParsedKey | undefined): AnyAuthMethod[] {
  const { username, password } = creds;
  const methods: AnyAuthMethod[] = [];
  if (key) methods.push({ type: 'publickey', username, key });
  if (password !== undefined) {
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_name, _instructions, _lang, prompts, finish) => {
        // Only password-looking prompts get the password; anything else (OTP …) an empty answer.
        finish(prompts.map((p) => (/password/i.test(p.prompt) ? password : '')));
      },
    });
  }
  if (methods.length === 0)
    throw new TransportError('auth_failed', 'no credential given: need a private key or a password');
  return methods;
}
