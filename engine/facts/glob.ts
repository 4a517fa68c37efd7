import { shq } from '../shell/quote.ts';

const BRACKET = /^\[!?[A-Za-z0-9._-]+\]/;

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Why a path or glob is unacceptable, or undefined. Only `*`, `?` and simple bracket classes are
 * allowed unquoted on the host: a bracket holding `$(…)` would otherwise run on the host.
 */
export function globProblem(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return 'must be an absolute path';
  if (/[\0\n\r]/.test(pattern)) return 'must not contain NUL or line breaks';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '[' && !BRACKET.test(pattern.slice(i))) {
      return 'bracket expressions may only hold letters, digits and . _ - (optionally negated with !)';
    }
  }
  return undefined;
}

/** Splits a glob into literal runs and glob tokens. */
function tokens(pattern: string): { glob: boolean; text: string }[] {
  const out: { glob: boolean; text: string }[] = [];
  let lit = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    let g: string | undefined;
    if (c === '*' || c === '?') g = c;
    else if (c === '[') g = BRACKET.exec(pattern.slice(i))?.[0];
    if (g === undefined) {
      lit += c;
      continue;
    }
    if (lit !== '') out.push({ glob: false, text: lit });
    lit = '';
    out.push({ glob: true, text: g });
    i += g.length - 1;
  }
  if (lit !== '') out.push({ glob: false, text: lit });
  return out;
}

/** The pattern as one shell word: literal runs quoted with shq, glob tokens left bare. */
export function shellGlob(pattern: string): string {
  const problem = globProblem(pattern);
  if (problem) throw new Error(`unsafe glob ${JSON.stringify(pattern)}: ${problem}`);
  return tokens(pattern)
    .map((t) => (t.glob ? t.text : shq(t.text)))
    .join('');
}

/** A RegExp matching what the shell would expand the glob to (`*` stays within one path component). */
export function globToRegExp(pattern: string): RegExp {
  const src = tokens(pattern)
    .map((t) => {
      if (!t.glob) return t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (t.text === '*') return '[^/]*';
      if (t.text === '?') return '[^/]';
      return t.text.replace(/^\[!/, '[^').replace(/[.]/g, '\\.');
    })
    .join('');
  return new RegExp(`^${src}$`);
}
