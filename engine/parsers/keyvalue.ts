import { isComment, numberedLines } from './lines.ts';

export interface KeyValue {
  key: string;
  value: string;
  file: string;
  line: number;
}

export interface KeyValueOptions {
  /** `whitespace` or a literal separator such as `=`. */
  separator: string;
  /** Only lines inside this ini section (`[Journal]`). */
  section?: string;
  commentChars: string;
  ignoreCaseKey: boolean;
  /**
   * Keep surrounding quotes as part of the value. systemd's configuration parser does not remove them
   * (`Compress='yes'` is not a boolean and the setting is ignored); shell-style files do.
   */
  keepQuotes?: boolean;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.endsWith(t[0])) return t.slice(1, -1);
  return t;
}

/** Every `key<sep>value` assignment of a file, in order. */
export function parseKeyValues(file: string, text: string, o: KeyValueOptions): KeyValue[] {
  const out: KeyValue[] = [];
  let section: string | undefined;
  for (const l of numberedLines(text)) {
    if (isComment(l.text, o.commentChars)) continue;
    const t = l.text.trim();
    const sec = /^\[([^\]]+)\]$/.exec(t);
    if (sec) {
      section = sec[1]?.trim();
      continue;
    }
    if (o.section !== undefined && section !== o.section) continue;
    let key: string;
    let value: string;
    if (o.separator === 'whitespace') {
      const m = /^(\S+)(?:\s+(.*))?$/.exec(t);
      key = m?.[1] ?? '';
      value = m?.[2] ?? '';
    } else {
      const i = t.indexOf(o.separator);
      if (i === -1) continue;
      key = t.slice(0, i).trim();
      value = t.slice(i + o.separator.length);
    }
    if (key === '') continue;
    out.push({
      key: o.ignoreCaseKey ? key.toLowerCase() : key,
      value: o.keepQuotes ? value.trim() : unquote(value),
      file,
      line: l.n,
    });
  }
  return out;
}

/** The assignment of `key` that counts: the first or the last one across the files in order. */
export function lookupKey(
  files: readonly { path: string; text: string }[],
  key: string,
  o: KeyValueOptions & { occurrence: 'first' | 'last' },
): KeyValue | undefined {
  const want = o.ignoreCaseKey ? key.toLowerCase() : key;
  let found: KeyValue | undefined;
  for (const f of files) {
    for (const kv of parseKeyValues(f.path, f.text, o)) {
      if (kv.key !== want) continue;
      if (o.occurrence === 'first') return kv;
      found = kv;
    }
  }
  return found;
}

/** /etc/login.defs: `KEY value`, `#` comments, the last assignment wins (shadow-utils getdef). */
export function loginDefs(text: string, key: string, file = '/etc/login.defs'): KeyValue | undefined {
  return lookupKey([{ path: file, text }], key, {
    separator: 'whitespace',
    commentChars: '#',
    ignoreCaseKey: false,
    occurrence: 'last',
  });
}
