import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateToken, hashToken } from './auth';
import { ConfigError, DEFAULT_DB_FILE, ENV_NAMES } from './config';
import type { EventStore } from './event-store';

/** A user name: what `?user=` filters on and what each event records. */
export const UserNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@+-]{1,100}$/, 'must be 1-100 letters, digits or . _ @ + -');

export const TOKEN_USAGE = `Usage: npm run collector -- token add USER [--admin]   print a new token for USER (stored hashed)
       npm run collector -- token list                   users, token ids, admin, created
       npm run collector -- token revoke USER|TOKEN      every token of USER, or that one token
  each with --database URL | --db FILE (or ${ENV_NAMES.database} / ${ENV_NAMES.db}), as the collector`;

export interface TokenCommand {
  action: 'add' | 'list' | 'revoke';
  /** add: the user; revoke: the user or the token. */
  subject: string | undefined;
  admin: boolean;
  database: string;
}

/** Reads `token add|list|revoke …` (the words after `token`); throws ConfigError. */
export function parseTokenCommand(argv: readonly string[], env: NodeJS.ProcessEnv): TokenCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { admin: { type: 'boolean' }, database: { type: 'string' }, db: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const [action, subject, ...rest] = parsed.positionals;
  if (action !== 'add' && action !== 'list' && action !== 'revoke') {
    throw new ConfigError(`token: unknown command ${JSON.stringify(action ?? '')}`);
  }
  if (rest.length > 0 || (action === 'list' && subject !== undefined)) throw new ConfigError('token: too many arguments');
  if (action !== 'list' && subject === undefined) throw new ConfigError(`token ${action}: name the ${action === 'add' ? 'user' : 'user or token'}`);
  if (action === 'add') {
    const user = UserNameSchema.safeParse(subject);
    if (!user.success) throw new ConfigError(`token add: the user ${user.error.issues[0]!.message}`);
  }
  if (parsed.values.admin && action !== 'add') throw new ConfigError('token: --admin goes with "token add"');
  const database =
    parsed.values.database ?? parsed.values.db ?? (env[ENV_NAMES.database] || undefined) ?? (env[ENV_NAMES.db] || undefined) ?? DEFAULT_DB_FILE;
  return { action, subject, admin: parsed.values.admin ?? false, database };
}

/** Runs a token command against an open store; returns the lines to print and the exit code. */
export async function runTokenCommand(command: TokenCommand, store: EventStore, now = new Date()): Promise<{ lines: string[]; code: number }> {
  switch (command.action) {
    case 'add': {
      const token = generateToken();
      await store.addToken({ hash: hashToken(token), user: command.subject!, admin: command.admin, createdAt: now.toISOString() });
      return {
        lines: [
          token,
          `token for ${command.subject}${command.admin ? ' (admin: reads everyone\'s events)' : ''}, stored hashed: copy it now, it cannot be shown again`,
        ],
        code: 0,
      };
    }
    case 'list': {
      const tokens = await store.listTokens();
      if (tokens.length === 0) return { lines: ['no tokens (add one with: npm run collector -- token add USER)'], code: 0 };
      return {
        lines: [
          'user\ttoken id\tadmin\tcreated',
          ...tokens.map((token) => `${token.user}\t${token.hash.slice(0, 12)}\t${token.admin ? 'yes' : 'no'}\t${token.createdAt}`),
        ],
        code: 0,
      };
    }
    case 'revoke': {
      const subject = command.subject!;
      const byUser = await store.revokeTokens({ user: subject });
      if (byUser > 0) return { lines: [`revoked ${byUser} token${byUser === 1 ? '' : 's'} of ${subject}`], code: 0 };
      const byToken = await store.revokeTokens({ hash: hashToken(subject) });
      if (byToken > 0) return { lines: ['revoked that token'], code: 0 };
      return { lines: [`no user or token ${JSON.stringify(subject)}: nothing revoked (see: token list)`], code: 1 };
    }
  }
}
