/** One collected fact: the decoded section text, its exit status and whether it was cut at the cap. */
export interface RawFact {
  text: string;
  rc: number | null;
  truncated: boolean;
  /** Set when the fact was deliberately not collected (e.g. traversal skipped): the reason. */
  skipped?: string;
}

/** Exit status the script emits for a `file:` section whose path does not exist. */
export const RC_ABSENT = 2;

/** The facts of one host for one scan, keyed by fact key. Immutable once built. */
export class FactStore {
  readonly #facts: ReadonlyMap<string, RawFact>;
  readonly #memo = new Map<string, unknown>();

  constructor(facts: ReadonlyMap<string, RawFact>) {
    this.#facts = facts;
  }

  get(key: string): RawFact | undefined {
    return this.#facts.get(key);
  }

  /**
   * Caches a value derived from facts (a parsed package list, a flattened sshd config) for the rest of
   * the scan: hundreds of rules read the same few facts.
   */
  memo<T>(id: string, compute: () => T): T {
    if (this.#memo.has(id)) return this.#memo.get(id) as T;
    const v = compute();
    this.#memo.set(id, v);
    return v;
  }

  get size(): number {
    return this.#facts.size;
  }

  truncatedKeys(): string[] {
    return [...this.#facts].filter(([, f]) => f.truncated).map(([k]) => k);
  }
}
