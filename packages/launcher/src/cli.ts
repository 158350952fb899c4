import { Command } from 'commander';
import { ConfigError, loadConfig } from '@souk/config';
import { createLogger } from '@souk/log';
import { curlFor, EXAMPLE_QUERY, exampleUser } from './example';
import { startStack, type Stack } from './stack';

// `souk serve`: all subgraphs in this process (add --gateway for the gateway too).
// `souk demo`: migrate, generate the demo marketplace once, serve everything, show a query.

// A clean stop closes connections and flushes PGlite to disk; if something hangs, exit anyway.
const STOP_TIMEOUT_MS = 10_000;

function onShutdown(stack: Stack) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`souk: did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const program = new Command('souk');

program
  .command('serve')
  .description('serve every subgraph from this process')
  .option('--gateway', 'also serve the gateway')
  .action(async (opts: { gateway?: boolean }) => {
    const config = loadConfig();
    const logger = createLogger('souk', config.logLevel);
    const stack = await startStack(config, logger, { gateway: Boolean(opts.gateway) });
    onShutdown(stack);
    logger.info({ subgraphs: Object.fromEntries(Object.entries(stack.subgraphs).map(([k, v]) => [k, v.url])), gateway: stack.gateway?.url }, 'souk is serving');
  });

program
  .command('demo')
  .description('generate the demo marketplace (once) and serve it through the gateway')
  .option('--users <n>', 'users to generate', Number)
  .option('--products <n>', 'products to generate', Number)
  .option('--events <n>', 'events to generate', Number)
  .option('--seed <n>', 'random seed', Number, 7)
  .action(async (opts: { users?: number; products?: number; events?: number; seed: number }) => {
    const config = loadConfig();
    const logger = createLogger('souk', config.logLevel === 'info' ? 'warn' : config.logLevel);
    const say = (s: string) => process.stdout.write(`${s}\n`);
    say(`Souk demo: data in ${config.embedded.database ? config.pgliteDir + ' (embedded PGlite)' : 'PostgreSQL'}, realtime ${config.embedded.realtime ? 'in-process' : 'on Redis'}`);
    const stack = await startStack(config, logger, { gateway: true });
    onShutdown(stack);
    const t0 = Date.now();
    // Loaded here only: `serve` never needs the generator.
    const { generateMarketplace } = await import('@souk/demo');
    const summary = await generateMarketplace(stack.db, { seed: opts.seed, users: opts.users, products: opts.products, events: opts.events });
    say(summary.skipped ? 'Demo marketplace already present: kept as it is.' : `Generated the demo marketplace in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(summary.counts)}`);
    // The generator writes with COPY, past the catalog's mutations that keep the availability store
    // current, so the store is reloaded from the database once the data is in.
    if (!summary.skipped) await stack.availability.warm(stack.db);

    const url = stack.gateway!.url;
    const userId = await exampleUser(stack.db);
    say(`\nGateway (GraphiQL in a browser; queries, mutations, subscriptions): ${url}`);
    if (stack.pgliteUrl) say(`Embedded database over the Postgres protocol (psql, training): ${stack.pgliteUrl}`);
    if (userId) {
      const variables = { userId };
      say(`\nExample query:\n${curlFor(url, EXAMPLE_QUERY, variables)}\n`);
      const t1 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: EXAMPLE_QUERY, variables }) });
      const body = await res.json();
      say(`Answer (${(performance.now() - t1).toFixed(0)} ms):\n${JSON.stringify(body, null, 2)}`);
    }
    say('\nSouk is running. Ctrl-C stops it; the data stays for the next start.');
  });

program.parseAsync().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
