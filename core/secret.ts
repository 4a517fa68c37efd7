/** What a Secret shows wherever it is turned into text: logs, JSON, string templates, util.inspect. */
export const REDACTED = '[redacted]';

/**
 * A secret value (password, private key, passphrase, token) as an opaque type: the value is held in a
 * private field, so it is not an enumerable property, and every way of turning the object into text —
 * `String()`, template strings, `JSON.stringify`, Node's `util.inspect` / `console.log` — yields
 * "[redacted]". Only `reveal()` returns it, at the one place the value is handed to what needs it
 * (ssh2, sudo's stdin, re-sealing). A Secret is not a string, so the type checker refuses one where
 * text is expected. Runtime-neutral (no Node imports): the inspect hook is the well-known symbol.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
