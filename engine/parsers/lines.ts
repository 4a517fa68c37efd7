/** A line of a config file with its 1-based number. */
export interface Line {
  n: number;
  text: string;
}

/** Splits text into numbered lines, dropping a trailing empty line. */
export function numberedLines(text: string): Line[] {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ n: i + 1, text: t.replace(/\r$/, '') }));
}

/** Lines with `\`-continuations joined (PAM, modprobe.d); the number is the first physical line's. */
export function joinedLines(text: string): Line[] {
  const out: Line[] = [];
  let acc: Line | undefined;
  for (const l of numberedLines(text)) {
    const cont = /\\$/.test(l.text);
    const body = cont ? l.text.slice(0, -1) : l.text;
    acc = acc ? { n: acc.n, text: `${acc.text} ${body}` } : { n: l.n, text: body };
    if (!cont) {
      out.push(acc);
      acc = undefined;
    }
  }
  if (acc) out.push(acc);
  return out;
}

export function isComment(text: string, chars = '#'): boolean {
  const t = text.trimStart();
  return t === '' || chars.includes(t[0] ?? '');
}

/** `file:line` for evidence. */
export function at(file: string, line: number): string {
  return `${file}:${line}`;
}
