import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InventoryError, parseInventory } from '../../engine/transport/inventory.ts';
import { promptHidden, readSecret } from '../../engine/transport/secrets.ts';
import { parseTarget, targetLabel } from '../../engine/transport/target.ts';

describe('targets', () => {
  it('parses [user@]host[:port] and bracketed IPv6', () => {
    expect(parseTarget('web1')).toEqual({ host: 'web1' });
    expect(parseTarget('admin@10.0.0.5:2222')).toEqual({ user: 'admin', host: '10.0.0.5', port: 2222 });
    expect(parseTarget('root@[fd00::2]:22')).toEqual({ user: 'root', host: 'fd00::2', port: 22 });
    expect(targetLabel({ host: 'fd00::2', port: 2222 }, 'me')).toBe('me@[fd00::2]:2222');
  });

  it.each(['host:0', 'host:99999', 'a b', 'x;reboot', '$(id)@h', 'fd00::2', 'h:22:1', '-oProxyCommand=x'])(
    'rejects %j',
    (raw) => {
      expect(() => parseTarget(raw)).toThrow();
    },
  );
});

describe('inventory', () => {
  it('reads YAML with defaults and per-host overrides', () => {
    const hosts = parseInventory(
      [
        'defaults: {user: scan, sudo: true}',
        'hosts:',
        '  - web1',
        '  - root@db1:2222',
        '  - {host: app1, port: 2200, key: /k, sudo: false}',
        '',
      ].join('\n'),
      'inv.yml',
    );
    expect(hosts).toEqual([
      { user: 'scan', sudo: true, host: 'web1' },
      { user: 'root', sudo: true, host: 'db1', port: 2222 },
      { user: 'scan', sudo: false, host: 'app1', port: 2200, key: '/k' },
    ]);
  });

  it('reads a plain list with comments and options', () => {
    expect(parseInventory('# fleet\nweb1\n\nadmin@db1:2222 key=/k  # primary\n', 'hosts.txt')).toEqual([
      { host: 'web1' },
      { user: 'admin', host: 'db1', port: 2222, key: '/k' },
    ]);
    expect(parseInventory('- web1\n- {host: db1, port: 22}\n', 'l.yml')).toEqual([
      { host: 'web1' },
      { host: 'db1', port: 22 },
    ]);
  });

  it('names file and line of a bad entry', () => {
    expect(() => parseInventory('hosts:\n  - web1\n  - host: db1\n    port: seventy\n', 'inv.yml')).toThrow(
      'inv.yml:4: hosts.1.port:',
    );
    expect(() => parseInventory('hosts:\n  - web1\n  - "bad host"\n', 'inv.yml')).toThrow(
      'inv.yml:3: hosts.1: invalid host name',
    );
    expect(() => parseInventory('web1\nweb2 color=red\n', 'hosts.txt')).toThrow(
      'hosts.txt:2: unknown option',
    );
    expect(() => parseInventory('# nothing\n', 'empty.txt')).toThrow(InventoryError);
  });
});

describe('secrets', () => {
  it('reads env vars and files, never empty', async () => {
    await expect(readSecret({ kind: 'env', name: 'OW_X' }, { OW_X: 's3cret' })).resolves.toBe('s3cret');
    await expect(readSecret({ kind: 'env', name: 'OW_X' }, {})).rejects.toThrow('OW_X is not set');
  });

  it('prompts on a TTY without echo, and refuses a non-TTY', async () => {
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      rawModes: [] as boolean[],
      setRawMode(raw: boolean) {
        this.rawModes.push(raw);
      },
    });
    const stderr = new PassThrough();
    let shown = '';
    stderr.on('data', (c: Buffer) => (shown += c.toString()));
    const p = promptHidden('Password: ', { stdin, stderr });
    stdin.write('hunter\u007fr2\r');
    await expect(p).resolves.toBe('hunter2');
    expect(shown).toBe('Password: \n');
    expect(stdin.rawModes).toEqual([true, false]);
    await expect(promptHidden('Password: ', { stdin: new PassThrough(), stderr })).rejects.toThrow(
      'not a terminal',
    );
  });
});
