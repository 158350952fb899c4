import pino, { type Logger } from 'pino';

export type { Logger };

// Structured JSON logs on stdout (pino: the fastest of the established Node loggers). One root
// logger per process; components take a child with their name so every line says where it came from.
let root: Logger | undefined;

export function createLogger(name: string, level?: string): Logger {
  root ??= pino({ level: level ?? 'info', base: { service: 'souk' } });
  if (level) root.level = level;
  return root.child({ component: name });
}
