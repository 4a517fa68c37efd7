import { RC_ABSENT, type FactStore, type RawFact } from '../facts/store.ts';

/** Thrown by a method when a fact it needs cannot be used; the leaf becomes not_assessable. */
export class FactUnavailable extends Error {
  constructor(
    readonly key: string,
    readonly why: string,
  ) {
    super(`${key}: ${why}`);
    this.name = 'FactUnavailable';
  }
}

export type FileRead = { exists: false; path: string } | { exists: true; path: string; text: string };

/**
 * A method's view of the fact store. It remembers which truncated facts were read so that a verdict
 * built on them can never be a pass.
 */
export class FactReader {
  readonly truncated = new Set<string>();

  constructor(private readonly store: FactStore) {}

  raw(key: string): RawFact {
    const f = this.store.get(key);
    if (!f) throw new FactUnavailable(key, 'not collected');
    if (f.skipped !== undefined) throw new FactUnavailable(key, f.skipped);
    if (f.truncated) this.truncated.add(key);
    return f;
  }

  /** The text of a command-like fact that must have exited 0. */
  text(key: string): string {
    const f = this.raw(key);
    if (f.rc !== 0) throw new FactUnavailable(key, statusWords(f.rc));
    return f.text;
  }

  /** Optional variant: undefined when the fact failed instead of throwing. */
  tryText(key: string): string | undefined {
    const f = this.store.get(key);
    if (!f || f.rc !== 0) return undefined;
    if (f.truncated) this.truncated.add(key);
    return f.text;
  }

  file(path: string): FileRead {
    const key = `file:${path}`;
    const f = this.raw(key);
    if (f.rc === RC_ABSENT) return { exists: false, path };
    if (f.rc !== 0) throw new FactUnavailable(key, 'exists but is not readable');
    return { exists: true, path, text: f.text };
  }

  /**
   * A parse of a fact's text, computed once per scan. `tag` names the parse; the same fact may be parsed
   * in different ways.
   */
  parsed<T>(key: string, tag: string, parse: (text: string) => T): T {
    const text = this.text(key);
    return this.store.memo(`${tag}\u0000${key}`, () => parse(text));
  }

  /** A value derived from a bundle, computed once per scan. */
  derived<T>(key: string, tag: string, derive: (files: { path: string; text: string }[]) => T): T {
    const files = this.bundle(key);
    return this.store.memo(`${tag}\u0000${key}`, () => derive(files));
  }

  /** The readable files of a bundle (`files:<glob>`, `sysctl_d`, …) in collection order, deduplicated. */
  bundle(key: string): { path: string; text: string }[] {
    const list = this.text(key);
    const seen = new Set<string>();
    const out: { path: string; text: string }[] = [];
    for (const path of list.split('\n')) {
      if (path === '' || seen.has(path)) continue;
      seen.add(path);
      const r = this.file(path);
      if (r.exists) out.push({ path, text: r.text });
    }
    return out;
  }
}

function statusWords(rc: number | null): string {
  if (rc === null) return 'killed by a signal';
  if (rc === 127) return 'command not found (exit 127)';
  if (rc === 126) return 'command not executable (exit 126)';
  return `exit status ${rc}`;
}
