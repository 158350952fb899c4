import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Structured JSON logs on stdout (pino: the fastest of the established Node loggers). One root
// logger per process; components take a child with their name so every line says where it came from.
// Inside a GraphQL operation, use the context's `log` (subgraph-kit binds it to the request's
// x-request-id), so that one request's lines can be found across the gateway and every subgraph.
let root: Logger | undefined;

const options = (level?: string) => ({ level: level ?? 'info', base: { service: 'souk' } });

/**
 * A component's logger. With `destination` (tests, tools that capture lines) it gets a root of
 * its own writing there; otherwise it shares the process's root on stdout.
 */
export function createLogger(name: string, level?: string, destination?: DestinationStream): Logger {
  if (destination) return pino(options(level), destination).child({ component: name });
  root ??= pino(options(level));
  if (level) root.level = level;
  return root.child({ component: name });
}
