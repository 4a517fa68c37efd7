import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shq } from '../../engine/shell/quote.ts';

describe('shq', () => {
  it.each(['plain', "it's", '$(rm -rf /)', 'a b\tc\n', '`x`;|&><*?', "'", '', '--flag=1'])(
    'round-trips %j through a real sh',
    (arg) => {
      const out = execFileSync('sh', ['-c', `printf %s ${shq(arg)}`]).toString();
      expect(out).toBe(arg);
    },
  );

  it('rejects NUL bytes', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });

  it('quotes every element of an argv', () => {
    expect(shellCommand(['sh', '-c', 'echo hi'])).toBe("sh -c 'echo hi'");
  });
});
