import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Settings of `npm run collector`; every one can come from a flag or an environment variable. */
export interface CollectorConfig {
  host: string;
  port: number;
  dbFile: string;
  /** `postgres://…` for PostgreSQL (or a SQLite file); wins over dbFile when set. */
  database: string | undefined;
  /** Undefined when none was configured: the store's tokens, or one generated for this run. */
  token: string | undefined;
  /** `''` or `/segment[/segment...]`, never with a trailing slash. */
  prefix: string;
  bodyLimit: number;
  maxConnections: number;
  /** Delete events received more than this many days ago (at start, then hourly); undefined keeps all. */
  keepDays: number | undefined;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Next to the collector's sources (ignored by collector/.gitignore), so it does not depend on the cwd. */
export const DEFAULT_DB_FILE = fileURLToPath(new URL('./data/activity.sqlite', import.meta.url));

/** Flag name → environment variable; flags win over the environment. */
export const ENV_NAMES = {
  host: 'COLLECTOR_HOST',
  port: 'COLLECTOR_PORT',
  db: 'COLLECTOR_DB',
  database: 'DATABASE_URL',
  token: 'COLLECTOR_TOKEN',
  prefix: 'COLLECTOR_PREFIX',
  'body-limit': 'COLLECTOR_BODY_LIMIT',
  'max-connections': 'COLLECTOR_MAX_CONNECTIONS',
  'keep-days': 'COLLECTOR_KEEP_DAYS',
} as const;

export const USAGE = `Usage: npm run collector -- [options]
       npm run collector -- token add USER [--admin] | token list | token revoke USER|TOKEN  [--database URL | --db FILE]

  --host HOST          interface to listen on       (${ENV_NAMES.host}, default ${DEFAULT_HOST})
  --port PORT          TCP port, 0 = any free one    (${ENV_NAMES.port}, default ${DEFAULT_PORT})
  --db FILE            SQLite database file          (${ENV_NAMES.db}, default collector/data/activity.sqlite)
  --database URL       postgres://user:pass@host/db (PostgreSQL) or a SQLite file; wins over --db (${ENV_NAMES.database})
  --token TOKEN        a one-user (admin) token      (${ENV_NAMES.token}; default: the tokens of "token add",
                       or a random one for this run when there are none)
  --prefix /PATH       path prefix before /rest/...  (${ENV_NAMES.prefix}, default none)
  --body-limit SIZE    largest request body, e.g. 1048576, 512KiB, 2MiB (${ENV_NAMES['body-limit']}, default 1MiB)
  --max-connections N  open connections at most      (${ENV_NAMES['max-connections']}, default 1000)
  --keep-days DAYS     delete events received longer ago, hourly (${ENV_NAMES['keep-days']}, default: keep all)
  --help               show this text`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function normalizePrefix(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

const PrefixSchema = z
  .string()
  .transform(normalizePrefix)
  // Only plain path segments: the prefix is compared literally with the request path.
  .refine((value) => /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/.test(value), {
    message: 'must be a path like /glean (no query, fragment or empty segments)',
  });

/** Bytes, or a number with a KiB/MiB suffix (k, kb, m, mb are read as binary units too). */
export function parseByteSize(raw: string): number | undefined {
  const match = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib)?\s*$/i.exec(raw);
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Number(match[1]) * factor;
}

const BodyLimitSchema = z
  .string()
  .transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a size like 1048576, 512KiB or 2MiB' });
      return z.NEVER;
    }
    return bytes;
  })
  .pipe(z.int().min(1).max(1024 * 1024 * 1024));

const ConfigInputSchema = z.object({
  host: z.string().trim().min(1, 'must not be empty').default(DEFAULT_HOST),
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
    .transform(Number)
    .pipe(z.int().max(65535, 'must be a whole number from 0 to 65535'))
    .default(DEFAULT_PORT),
  db: z.string().trim().min(1, 'must not be empty').default(DEFAULT_DB_FILE),
  // It travels in an HTTP header, so only visible ASCII without spaces.
  token: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters without spaces')
    .optional(),
  prefix: PrefixSchema.default(''),
  'body-limit': BodyLimitSchema.default(DEFAULT_BODY_LIMIT),
  database: z.string().trim().min(1, 'must not be empty').optional(),
  'max-connections': z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number from 1 to 100000')
    .transform(Number)
    .pipe(z.int().min(1, 'must be a whole number from 1 to 100000').max(100_000, 'must be a whole number from 1 to 100000'))
    .default(1000),
  'keep-days': z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number of days, at least 1')
    .transform(Number)
    .pipe(z.int().min(1, 'must be a whole number of days, at least 1'))
    .optional(),
});

export type ConfigResult = { kind: 'help' } | { kind: 'run'; config: CollectorConfig };

/** Reads flags (`--port 9000` or `--port=9000`) and environment; throws ConfigError naming the setting. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        token: { type: 'string' },
        prefix: { type: 'string' },
        'body-limit': { type: 'string' },
        database: { type: 'string' },
        'max-connections': { type: 'string' },
        'keep-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (flags.help) return { kind: 'help' };

  const input: Record<string, string> = {};
  for (const [flag, envName] of Object.entries(ENV_NAMES)) {
    const fromFlag = flags[flag];
    const fromEnv = env[envName];
    // An empty environment variable means "not set", as shells make that easy to do by accident.
    const value = typeof fromFlag === 'string' ? fromFlag : fromEnv === '' ? undefined : fromEnv;
    if (value !== undefined) input[flag] = value;
  }

  const parsed = ConfigInputSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => {
        const flag = String(issue.path[0] ?? '');
        const envName = ENV_NAMES[flag as keyof typeof ENV_NAMES];
        return `--${flag}${envName ? ` / ${envName}` : ''} (${JSON.stringify(input[flag])}): ${issue.message}`;
      })
      .join('\n');
    throw new ConfigError(message);
  }
  const value = parsed.data;
  return {
    kind: 'run',
    config: {
      host: value.host,
      port: value.port,
      dbFile: value.db,
      token: value.token,
      prefix: value.prefix,
      bodyLimit: value['body-limit'],
      // A --db flag is a choice made now: it beats a DATABASE_URL left in the environment.
      database: typeof flags.db === 'string' && typeof flags.database !== 'string' ? undefined : value.database,
      maxConnections: value['max-connections'],
      keepDays: value['keep-days'],
    },
  };
}
