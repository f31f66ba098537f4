import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DB_FILE, loadConfig, parseByteSize, type CollectorConfig } from '../../../collector/config';

function run(argv: string[], env: Record<string, string> = {}): CollectorConfig {
  const result = loadConfig(argv, env);
  if (result.kind !== 'run') throw new Error('expected a run config');
  return result.config;
}

describe('collector config', () => {
  it('defaults to 127.0.0.1:8787, 1 MiB, no prefix, no token', () => {
    expect(run([])).toEqual({
      host: '127.0.0.1',
      port: 8787,
      dbFile: DEFAULT_DB_FILE,
      token: undefined,
      prefix: '',
      bodyLimit: 1048576,
      database: undefined,
      maxConnections: 1000,
      keepDays: undefined,
    });
    expect(DEFAULT_DB_FILE).toMatch(/collector[/\\]data[/\\]activity\.sqlite$/);
  });

  it('reads the environment', () => {
    expect(
      run([], {
        COLLECTOR_HOST: '0.0.0.0',
        COLLECTOR_PORT: '9000',
        COLLECTOR_DB: '/tmp/x.sqlite',
        COLLECTOR_TOKEN: 'tok',
        COLLECTOR_PREFIX: 'glean',
        COLLECTOR_BODY_LIMIT: '2MiB',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dbFile: '/tmp/x.sqlite',
      token: 'tok',
      prefix: '/glean',
      bodyLimit: 2097152,
      database: undefined,
      maxConnections: 1000,
      keepDays: undefined,
    });
  });

  it('reads the PostgreSQL URL, retention and connection cap from flags or the environment', () => {
    expect(run([], { DATABASE_URL: 'postgres://u@db/activity', COLLECTOR_KEEP_DAYS: '30', COLLECTOR_MAX_CONNECTIONS: '50' })).toMatchObject({
      database: 'postgres://u@db/activity',
      keepDays: 30,
      maxConnections: 50,
    });
    expect(run(['--database', 'postgres://u@db/a', '--keep-days', '7'])).toMatchObject({ database: 'postgres://u@db/a', keepDays: 7 });
    // A --db flag beats a DATABASE_URL left in the environment; --database beats --db.
    expect(run(['--db', '/tmp/a.sqlite'], { DATABASE_URL: 'postgres://u@db/a' })).toMatchObject({ database: undefined, dbFile: '/tmp/a.sqlite' });
    expect(run(['--db', '/tmp/a.sqlite', '--database', 'postgres://x@y/z'])).toMatchObject({ database: 'postgres://x@y/z' });
  });

  it('lets flags win over the environment, in both flag spellings', () => {
    const config = run(['--port', '9001', '--token=flag', '--body-limit', '512KiB', '--prefix', '/a/b/'], {
      COLLECTOR_PORT: '9000',
      COLLECTOR_TOKEN: 'env',
    });
    expect(config).toMatchObject({ port: 9001, token: 'flag', bodyLimit: 524288, prefix: '/a/b' });
  });

  it('treats an empty environment variable as unset', () => {
    expect(run([], { COLLECTOR_TOKEN: '', COLLECTOR_PORT: '' })).toMatchObject({ token: undefined, port: 8787 });
  });

  it('accepts port 0 (any free port)', () => {
    expect(run(['--port', '0']).port).toBe(0);
  });

  it.each([
    [['--port', 'abc'], /--port \/ COLLECTOR_PORT \("abc"\): must be a whole number/],
    [['--port', '70000'], /--port .*0 to 65535/],
    [['--token', 'has space'], /--token .*visible ASCII/],
    [['--body-limit', 'lots'], /--body-limit .*size like/],
    [['--body-limit', '0'], /--body-limit/],
    [['--prefix', '/a?b'], /--prefix .*path like/],
    [['--host', ' '], /--host .*must not be empty/],
    [['--keep-days', '0'], /--keep-days .*at least 1/],
    [['--keep-days', '1.5'], /--keep-days .*whole number/],
    [['--max-connections', '0'], /--max-connections .*from 1/],
    [['--what'], /Unknown option/],
    [['positional'], /positional/],
  ])('refuses %j naming the setting', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(() => loadConfig([], { COLLECTOR_PORT: 'x' })).toThrow(/COLLECTOR_PORT \("x"\)/);
  });

  it('answers --help', () => {
    expect(loadConfig(['--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    ['1048576', 1048576],
    ['1MiB', 1048576],
    ['1 mb', 1048576],
    ['512k', 524288],
    ['100b', 100],
    ['1.5MiB', undefined],
  ])('reads the size %j as %j', (raw, bytes) => {
    expect(parseByteSize(raw)).toBe(bytes);
  });
});
