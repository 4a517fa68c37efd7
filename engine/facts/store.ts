/** One collected fact: the decoded section text, its exit status and whether it was cut at the cap. */
export interface RawFact {
  text: string;
  rc: number | null;
  truncated: boolean;
}

/** Exit status the script emits for a `file:` section whose path does not exist. */
export const RC_ABSENT = 2;

/** The facts of one host for one scan, keyed by fact key. Immutable once built. */
export class FactStore {
  readonly #facts: ReadonlyMap<string, RawFact>;

  constructor(facts: ReadonlyMap<string, RawFact>) {
    this.#facts = facts;
  }

  get(key: string): RawFact | undefined {
    return this.#facts.get(key);
  }

  get size(): number {
    return this.#facts.size;
  }

  truncatedKeys(): string[] {
    return [...this.#facts].filter(([, f]) => f.truncated).map(([k]) => k);
  }
}
