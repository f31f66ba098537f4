import { resolve } from 'node:path';
import { ConfigError, ENV_NAMES, loadConfig, USAGE } from './config';
import { startCollector } from './start';

/** `npm run collector [-- --port 9000 --token ...]` */
async function main(): Promise<void> {
  // Whoever read our output may be gone (`| head`, a test harness): that must not crash the server.
  process.stdout.on('error', () => {});
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
      dbFile: config.dbFile,
      token: config.token,
      prefix: config.prefix,
      bodyLimit: config.bodyLimit,
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

  const tokenNote =
    config.token === undefined
      ? `(generated for this run; fix one with --token or ${ENV_NAMES.token}=...)`
      : '(configured)';
  console.log(
    [
      `Activity collector listening on ${collector.url}`,
      `  endpoint    POST ${collector.activityUrl}`,
      `  token       ${collector.token} ${tokenNote}`,
      `  database    ${resolve(config.dbFile)}`,
      `  body limit  ${config.bodyLimit} bytes`,
      `  look        curl -H "Authorization: Bearer ${collector.token}" ${collector.eventsUrl}`,
      `  health      ${collector.healthUrl}`,
      'Ctrl+C stops it.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`collector: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
