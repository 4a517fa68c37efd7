import type { z } from 'zod';
import { ApiError } from './errors.ts';
import { assertCleanInput } from './hygiene.ts';

export interface FieldIssue {
  field: string;
  message: string;
}

function issues(err: z.ZodError, prefix: string): FieldIssue[] {
  return err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

/** Validates one part of a request (its text hygiene first); failures become a 400 naming each field. */
export function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  assertCleanInput(value, part);
  const res = schema.safeParse(value);
  if (!res.success)
    throw new ApiError(400, 'validation_error', `invalid request ${part}`, issues(res.error, part));
  return res.data;
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'request body must be application/json');
  }
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new ApiError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
  }
}
