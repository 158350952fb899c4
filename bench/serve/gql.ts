import { Agent, request } from 'node:http';

// GraphQL over HTTP/1.1 through a keep-alive connection pool. node:http's Agent rather than undici:
// undici is not a dependency of this repository (only its types are installed), and the bench
// may not add one. Requests beyond `pool` open connections wait in the agent's queue, and that wait
// counts in their latency.

export interface GraphqlResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class GraphqlClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(url: string, pool: number, private readonly timeoutMs: number) {
    this.url = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets: pool, maxFreeSockets: pool });
  }

  /** Resolves with the HTTP status and the parsed body; rejects on network errors and timeouts. */
  post<T>(query: string, variables: Record<string, unknown>): Promise<GraphqlResponse<T>> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST', agent: this.agent,
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              const json = JSON.parse(text) as { data?: T; errors?: GraphqlResponse<T>['errors'] };
              resolve({ status: res.statusCode ?? 0, data: json.data, errors: json.errors });
            } catch {
              resolve({ status: res.statusCode ?? 0, errors: [{ message: `unparsable body: ${text.slice(0, 120)}` }] });
            }
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)), this.timeoutMs);
      function fail(err: Error) {
        clearTimeout(timer);
        reject(err);
      }
      req.on('error', fail);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
