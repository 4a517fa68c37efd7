import { TransportError } from './types.ts';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EADDRNOTAVAIL',
]);

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * Maps an error ssh2 raised while connecting onto our codes. ssh2 tags errors with a `level`
 * (client-socket, client-dns, client-timeout, client-authentication, protocol …), which is what we
 * branch on; the message is kept for the operator and never contains credentials.
 */
export function mapConnectError(err: unknown, target: string, username: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as Ssh2Error;
  if (e.level === 'client-authentication') {
    return new TransportError(
      'auth_failed',
      `authentication as ${username} to ${target} failed: the server refused every offered credential`,
    );
  }
  if (e.level === 'client-timeout') {
    return new TransportError('timeout', `timed out waiting for the SSH handshake with ${target}`);
  }
  if (
    e.level === 'client-socket' ||
    e.level === 'client-dns' ||
    (e.code !== undefined && UNREACHABLE_CODES.has(e.code))
  ) {
    return new TransportError(
      'unreachable',
      `cannot reach ${target}: ${e.code ?? e.message}`,
      e.code ? { errno: e.code } : {},
    );
  }
  return new TransportError('protocol_error', `SSH protocol error with ${target}: ${e.message}`);
}

/** ssh2's fixed messages when the server opened a channel but declined or dropped the exec request. */
const EXEC_REFUSALS = new Set(['Unable to exec', 'Channel is not open']);

/**
 * A channel the server refused (MaxSessions exceeded answers "open failed"): worth a retry. ssh2 marks
 * channel-open failures with a `reason` property; exec-request refusals only by their fixed message.
 */
export function isChannelRefusal(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return 'reason' in err || EXEC_REFUSALS.has(err.message);
}
