/** One problem in one rule file, located by line and field. */
export class RuleLoadError {
  constructor(
    readonly file: string,
    readonly line: number,
    /** Dotted path of the field, `[i]` for list items: `implementations[0].check.key`; '' for the file. */
    readonly field: string,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.file}:${this.line}: ${this.field ? `${this.field}: ` : ''}${this.message}`;
  }
}

/** All load errors, one per line, in file and line order. */
export function formatLoadErrors(errors: readonly RuleLoadError[]): string {
  return [...errors]
    .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))
    .map((e) => e.toString())
    .join('\n');
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}
