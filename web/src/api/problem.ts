/** A failed API call as the console shows it: the API's own code, message and correlation id. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly correlationId: string | null,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Reads the `{error:{code,message,correlation_id,details?}}` envelope; anything else is described plainly. */
  static async from(response: Response, body?: unknown): Promise<ApiProblem> {
    const parsed: unknown = body ?? (await response.json().catch(() => undefined));
    const err = isEnvelope(parsed) ? parsed.error : undefined;
    return new ApiProblem(
      response.status,
      err?.code ?? `http_${response.status}`,
      err?.message ?? `The server answered ${response.status} ${response.statusText}.`,
      err?.correlation_id ?? response.headers.get('x-correlation-id'),
      err?.details,
    );
  }
}

interface Envelope {
  error: { code: string; message: string; correlation_id: string; details?: unknown };
}

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/**
 * A per-field message from a 400 validation_error, or undefined. The API names each field as a dotted
 * path under its request part (`body.intervals_hours.high`, functions/http/validate.ts).
 */
export function fieldError(problem: unknown, field: string): string | undefined {
  if (!(problem instanceof ApiProblem) || !Array.isArray(problem.details)) return undefined;
  for (const d of problem.details as unknown[]) {
    if (typeof d === 'object' && d !== null && 'field' in d && 'message' in d) {
      const name = String(d.field);
      if (name === field || name === `body.${field}`) return String(d.message);
    }
  }
  return undefined;
}
