import { Writable } from 'node:stream';

/** A stream for a test's logger that keeps each pino JSON line it is given, parsed. */
export function logSink(): { sink: Writable; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { sink, lines };
}
