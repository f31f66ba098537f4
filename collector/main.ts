import { ConfigError, ENV_NAMES, loadConfig, USAGE } from './config';
import { openStore, startCollector } from './start';
import { parseTokenCommand, runTokenCommand, TOKEN_USAGE } from './token-command';

/** `npm run collector [-- --port 9000 --token ...]` */
async function main(): Promise<void> {
  // Whoever read our output may be gone (`| head`, a test harness): that must not crash the server.
  process.stdout.on('error', () => {});
  if (process.argv[2] === 'token') {
    await tokenMain(process.argv.slice(3));
    return;
  }
  let result;
  try {
    result = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`collector: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (result.kind === 'help') {
    console.log(USAGE);
    return;
  }
  const { config } = result;

  let collector;
  try {
    collector = await startCollector({
      host: config.host,
      port: config.port,
      database: config.database ?? config.dbFile,
      token: config.token,
      prefix: config.prefix,
      bodyLimit: config.bodyLimit,
      maxConnections: config.maxConnections,
      keepDays: config.keepDays,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'EADDRINUSE'
        ? `${config.host}:${config.port} is already in use (choose another with --port or ${ENV_NAMES.port})`
        : (error as Error).message;
    console.error(`collector: cannot start: ${reason}`);
    process.exit(1);
  }

  // Before anything is printed: whoever reads the banner may signal us at once.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`collector: ${signal}, closing`);
    collector.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const tokenLine =
    collector.token === undefined
      ? 'per person (npm run collector -- token list)'
      : `${collector.token} ${
          collector.tokenGenerated
            ? `(generated for this run; fix one with --token or ${ENV_NAMES.token}=..., or add people with: token add USER)`
            : '(configured)'
        }`;
  console.log(
    [
      `Activity collector listening on ${collector.url}`,
      `  endpoint    POST ${collector.activityUrl}`,
      `  token       ${tokenLine}`,
      `  database    ${collector.store.engine} ${collector.store.location}`,
      `  body limit  ${config.bodyLimit} bytes`,
      `  look        curl -H "Authorization: Bearer ${collector.token ?? '<token>'}" ${collector.eventsUrl}`,
      `  health      ${collector.healthUrl}`,
      'Ctrl+C stops it.',
    ].join('\n'),
  );
}

/** `npm run collector -- token add|list|revoke …` */
async function tokenMain(argv: string[]): Promise<void> {
  let command;
  try {
    command = parseTokenCommand(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`collector: ${error.message}\n\n${TOKEN_USAGE}`);
    process.exit(2);
  }
  const store = await openStore(command.database);
  try {
    const { lines, code } = await runTokenCommand(command, store);
    (code === 0 ? console.log : console.error)(lines.join('\n'));
    process.exitCode = code;
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`collector: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
