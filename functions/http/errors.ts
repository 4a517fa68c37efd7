/**
 * The only error whose message reaches a client. Anything else thrown is logged with its cause and
 * answered with a generic 500, so driver errors (constraint names, key values) never leak.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How long a client should wait before retrying while the database is away (a restart takes seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function databaseUnavailable(): ApiError {
  return new ApiError(
    503,
    'database_unavailable',
    'the database is unavailable; retry shortly — you are still signed in',
    undefined,
    { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  );
}

export interface ErrorEnvelope {
  error: { code: string; message: string; correlation_id: string; details?: unknown };
}

export function errorBody(
  code: string,
  message: string,
  correlationId: string,
  details?: unknown,
): ErrorEnvelope {
  return {
    error: { code, message, correlation_id: correlationId, ...(details === undefined ? {} : { details }) },
  };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function errorResponse(err: ApiError, correlationId: string): Response {
  return jsonResponse(errorBody(err.code, err.message, correlationId, err.details), err.status, err.headers);
}
