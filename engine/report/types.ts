import type { ScanReport } from '../types.ts';

/** A host that could not be scanned at all (unreachable, host key refused …): it has no results. */
export interface HostError {
  host: string;
  /** A TransportError or ProbeError code, or `runtime_error`. */
  code: string;
  message: string;
}

/** Everything one `openwatch scan` run produced: one report per scanned host, one error per failed host. */
export interface ScanOutput {
  reports: ScanReport[];
  errors: HostError[];
  /** True for `--inventory` runs: machine formats then always use their multi-host shape. */
  multiHost: boolean;
}

export interface FormatOptions {
  /** ANSI colour in the text format; the CLI enables it only on a TTY without NO_COLOR. */
  color?: boolean;
  /** The scanned rules' own text, by id: checklists carry it, and the text format with `explain`. */
  rules?: ReadonlyMap<string, RuleText>;
  /** `--explain`: the text format shows each failing rule's description and rationale beside its fix. */
  explain?: boolean;
}

export interface RuleText {
  description: string;
  rationale: string;
  remediation: string;
}

export type Formatter = (output: ScanOutput, options: FormatOptions) => string;
