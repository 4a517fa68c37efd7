import { textProblem } from '../../core/text.ts';
import { ApiError } from './errors.ts';
import type { FieldIssue } from './validate.ts';

/** Deeper than any request we define: refusing it here also keeps this walk off the stack's limit. */
export const MAX_INPUT_DEPTH = 32;

/** The headers the API reads (others pass through untouched and are never stored). */
export const HEADERS_READ = [
  'authorization',
  'cookie',
  'content-type',
  'idempotency-key',
  'user-agent',
  'x-csrf-token',
  'x-correlation-id',
  'cf-connecting-ip',
] as const;

function firstProblem(value: unknown, field: string, depth: number): FieldIssue | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { field, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_INPUT_DEPTH)
    return { field, message: `is nested more than ${MAX_INPUT_DEPTH} levels deep` };
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const keyProblem = textProblem(key);
    if (keyProblem) return { field, message: `has a key that ${keyProblem}` };
    const found = firstProblem(v, `${field}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The one check every string of a request goes through before any schema sees it — body values and
 * keys at any depth, query, path parameters and the headers we read: NUL and unpaired surrogates are
 * refused with 400 naming the field, so nothing downstream (PostgreSQL, jsonb, logs) meets them.
 */
export function assertCleanInput(value: unknown, part: string): void {
  const issue = firstProblem(value, part, 0);
  if (issue) throw new ApiError(400, 'validation_error', `invalid request ${part}`, [issue]);
}

export function assertCleanHeaders(headers: Headers): void {
  for (const name of HEADERS_READ) {
    const value = headers.get(name);
    if (value !== null) assertCleanInput(value, `header.${name}`);
  }
}
