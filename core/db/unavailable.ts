import { SQLSTATE, sqlState } from './types.ts';

/**
 * The database could not be reached or dropped the connection (server restart, shutdown, a terminated
 * backend, a refused or timed-out connect). The API answers it with 503 `database_unavailable`; the runner
 * pauses and retries. The driver's error stays as `cause`, for the log only.
 */
export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}

/**
 * SQLSTATE class 08 is "connection exception" (less 08P01, a malformed message: our bug, not an outage);
 * these others also mean the session is gone or refused.
 */
const CONNECTION_CLASS = '08';
const LOST_STATES: ReadonlySet<string> = new Set([
  SQLSTATE.adminShutdown,
  SQLSTATE.crashShutdown,
  SQLSTATE.cannotConnectNow,
  SQLSTATE.tooManyConnections,
  SQLSTATE.idleSessionTimeout,
]);

/** Socket-level failures Node reports as `err.code` while connecting to or talking with the server. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A message the server sent (pg's DatabaseError, Neon's copy of it): it carries a severity. */
function fromServer(err: object): boolean {
  return 'severity' in err && typeof err.severity === 'string';
}

/**
 * Whether an error thrown by a driver call (query, connect, BEGIN/COMMIT) means the connection is lost
 * rather than that the statement was wrong. Classified by SQLSTATE, Node's error code and error type,
 * never by message text: an error the server sent is a loss only for the codes above; a programming
 * error (TypeError, RangeError) never is; any other driver error (the socket closed under a query, a
 * connect timeout, a client no longer queryable) is.
 */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof DatabaseUnavailable) return true;
  if (typeof err !== 'object' || err === null) return false;
  const state = sqlState(err);
  if (fromServer(err))
    return (
      state !== undefined &&
      ((state.startsWith(CONNECTION_CLASS) && state !== SQLSTATE.protocolViolation) || LOST_STATES.has(state))
    );
  if (state !== undefined && NETWORK_CODES.has(state)) return true;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return false;
  return err instanceof Error;
}

/** The error to rethrow from a driver call: DatabaseUnavailable for a lost connection, else unchanged. */
export function driverError(err: unknown): unknown {
  return !(err instanceof DatabaseUnavailable) && isConnectionLoss(err) ? new DatabaseUnavailable(err) : err;
}
