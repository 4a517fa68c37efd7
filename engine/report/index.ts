import { formatArf } from './arf.ts';
import { formatCkl } from './ckl.ts';
import { formatCklb } from './cklb.ts';
import { formatCsv } from './csv.ts';
import { formatHtml } from './html.ts';
import { formatJson } from './json.ts';
import { formatJsonl } from './jsonl.ts';
import { formatJunit } from './junit.ts';
import { formatText } from './text.ts';
import { formatXccdf } from './xccdf.ts';
import type { Formatter } from './types.ts';

export const FORMATS = [
  'text',
  'json',
  'jsonl',
  'csv',
  'junit',
  'html',
  'xccdf',
  'arf',
  'ckl',
  'cklb',
] as const;

/** Checklists describe one asset each: these formats take a single host, not an inventory. */
export const SINGLE_HOST_FORMATS: readonly FormatName[] = ['ckl', 'cklb'];
export type FormatName = (typeof FORMATS)[number];

const FORMATTERS: Record<FormatName, Formatter> = {
  text: formatText,
  json: formatJson,
  jsonl: formatJsonl,
  csv: formatCsv,
  junit: formatJunit,
  html: formatHtml,
  xccdf: formatXccdf,
  arf: formatArf,
  ckl: formatCkl,
  cklb: formatCklb,
};

export function isFormatName(s: string): s is FormatName {
  return (FORMATS as readonly string[]).includes(s);
}

/** The formatter for a `--format` value. */
export function formatter(name: FormatName): Formatter {
  return FORMATTERS[name];
}

export type { FormatOptions, Formatter, HostError, RuleText, ScanOutput } from './types.ts';
