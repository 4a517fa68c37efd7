import { formatCsv } from './csv.ts';
import { formatJson } from './json.ts';
import { formatJsonl } from './jsonl.ts';
import { formatJunit } from './junit.ts';
import { formatText } from './text.ts';
import type { Formatter } from './types.ts';

export const FORMATS = ['text', 'json', 'jsonl', 'csv', 'junit'] as const;
export type FormatName = (typeof FORMATS)[number];

const FORMATTERS: Record<FormatName, Formatter> = {
  text: formatText,
  json: formatJson,
  jsonl: formatJsonl,
  csv: formatCsv,
  junit: formatJunit,
};

export function isFormatName(s: string): s is FormatName {
  return (FORMATS as readonly string[]).includes(s);
}

/** The formatter for a `--format` value. */
export function formatter(name: FormatName): Formatter {
  return FORMATTERS[name];
}

export type { FormatOptions, Formatter, HostError, ScanOutput } from './types.ts';
