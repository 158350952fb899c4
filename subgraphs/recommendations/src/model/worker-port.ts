import type { MessagePort } from 'node:worker_threads';

// The worker-thread half of worker-client.ts: say ready (or why not), then answer numbered
// requests, one reply each, errors as messages.

export type Reply<Res> = { id: number; result: Res } | { id: number; error: string };

/** A result and the buffers to move (not copy) to the main thread with it. */
export interface Answer<Res> {
  result: Res;
  transfer?: ArrayBuffer[];
}

/**
 * Runs `load`, posts its value as the ready message (or its error, and stops), then answers each
 * request with `handle`.
 */
export async function serve<Ready, State, Req extends { id: number }, Res>(
  port: MessagePort,
  load: () => Promise<{ ready: Ready; state: State }>,
  handle: (state: State, req: Req) => Promise<Answer<Res>>,
): Promise<void> {
  let state: State;
  try {
    const loaded = await load();
    state = loaded.state;
    port.postMessage({ ready: true, value: loaded.ready });
  } catch (err) {
    port.postMessage({ ready: false, error: (err as Error).message });
    return;
  }
  port.on('message', (req: Req) => {
    handle(state, req).then(
      ({ result, transfer }) => port.postMessage({ id: req.id, result } satisfies Reply<Res>, transfer ?? []),
      (err: Error) => port.postMessage({ id: req.id, error: err.message } satisfies Reply<Res>),
    );
  });
}
