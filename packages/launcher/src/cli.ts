import { join } from 'node:path';
import { Command } from 'commander';
import { applyGcSettings, ConfigError, loadConfig } from '@souk/config';
import { createLogger } from '@souk/log';
import { curlFor, EXAMPLE_QUERY, exampleUser } from './example';
import { startStack, type Stack } from './stack';
import { trainAndPublish } from './train';

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
    const gcWarning = applyGcSettings(config.gc);
    const logger = createLogger('souk', config.logLevel);
    if (gcWarning) logger.warn(gcWarning);
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
  .option('--epochs <n>', 'training epochs for the demo model', Number, 3)
  .option('--no-train', 'serve the popularity path only: do not train and publish a model')
  .option('--retrain', 'train and publish a new model even if one is live')
  .action(async (opts: { users?: number; products?: number; events?: number; seed: number; epochs: number; train: boolean; retrain?: boolean }) => {
    const config = loadConfig();
    const gcWarning = applyGcSettings(config.gc);
    const logger = createLogger('souk', config.logLevel === 'info' ? 'warn' : config.logLevel);
    if (gcWarning) logger.warn(gcWarning);
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
    const ask = async () => {
      const t1 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: EXAMPLE_QUERY, variables: { userId } }) });
      const body = (await res.json()) as { data?: { recommendations?: { modelVersion: string } } };
      return { body, ms: performance.now() - t1, model: body.data?.recommendations?.modelVersion ?? 'none' };
    };
    if (userId) {
      say(`\nExample query:\n${curlFor(url, EXAMPLE_QUERY, { userId })}\n`);
      const first = await ask();
      say(`Answer (${first.ms.toFixed(0)} ms, ${first.model}):\n${JSON.stringify(first.body, null, 2)}`);
      const dsn = stack.pgliteUrl ?? config.databaseUrl;
      if (opts.train && dsn) {
        // Serving goes on meanwhile (popularity until a model is live); the publish hot-swaps it in.
        say(`\nTraining the two-tower model on this marketplace and publishing it (${opts.epochs} epochs; a few minutes on 2 cores):`);
        const t2 = Date.now();
        const result = await trainAndPublish(dsn, join(config.dataDir, 'models'), { epochs: opts.epochs, skipIfLive: !opts.retrain }, say).catch((err: Error) => {
          say(`Training failed, popularity keeps serving: ${err.message}`);
          return null;
        });
        if (result?.status === 'live') {
          say(`Model v${result.version} is live (${((Date.now() - t2) / 1000).toFixed(0)} s). Waiting for serving to pick it up...`);
          let answer = await ask();
          for (let i = 0; i < 60 && !answer.model.startsWith('two-tower'); i++) {
            await new Promise((r) => setTimeout(r, 1000));
            answer = await ask();
          }
          say(`Answer from the model (${answer.ms.toFixed(0)} ms, ${answer.model}):\n${JSON.stringify(answer.body, null, 2)}`);
        } else if (result) {
          say(`The model was not published (${result.status}: ${result.reason ?? 'see above'}); popularity keeps serving.`);
        }
      }
    }
    say('\nSouk is running. Ctrl-C stops it; the data stays for the next start.');
  });

program.parseAsync().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
