import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws subscription through the gateway that collects every payload it receives. */
export class LiveList<T> {
  readonly values: T[] = [];
  readonly errors: unknown[] = [];
  private readonly client: Client;
  private readonly unsubscribe: () => void;
  private notify: () => void = () => undefined;

  constructor(gatewayUrl: string, query: string, field: string, connectionParams?: Record<string, unknown>) {
    this.client = createClient({ url: gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
    this.unsubscribe = this.client.subscribe(
      { query },
      {
        next: (msg) => {
          if (msg.errors) this.errors.push(msg.errors);
          if (msg.data) this.values.push((msg.data as Record<string, T>)[field]);
          this.notify();
        },
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }

  /** Resolves once `n` payloads have arrived. */
  waitFor(n: number, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${this.values.length} payloads, wanted ${n}; errors ${JSON.stringify(this.errors)}`)), timeoutMs);
      this.notify = () => {
        if (this.values.length >= n) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.notify();
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.client.dispose();
  }
}

/** The first event of a GraphQL-over-SSE subscription (the gateway's other client transport). */
export async function firstSseEvent(gatewayUrl: string, query: string): Promise<any> {
  const controller = new AbortController();
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended without an event: ${text}`);
      text += Buffer.from(value).toString('utf8');
      const data = text.split('\n').find((l) => l.startsWith('data:') && l.length > 6);
      if (data) return JSON.parse(data.slice(5));
    }
  } finally {
    controller.abort();
  }
}
