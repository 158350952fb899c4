import { getPriority } from 'node:os';
import { join } from 'node:path';
import { WorkerClient } from '../src/model/worker-client';

const WORKER = join(__dirname, 'fixtures', 'priority-worker.ts');
const linux = process.platform === 'linux';

describe('worker threads', () => {
  const clients: WorkerClient<null, number, object, number>[] = [];
  const start = async (background: boolean) => {
    const { client, ready } = await WorkerClient.start<null, number, object, number>(WORKER, null, background ? 'background' : 'foreground', { background });
    clients.push(client);
    return { client, ready };
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.terminate()));
  });

  (linux ? it : it.skip)('a background one runs at the lowest CPU priority from its start; the event loop keeps its own', async () => {
    const main = getPriority();
    const { client, ready } = await start(true);
    expect(ready).toBe(19);
    expect(await client.request({})).toBe(19);
    expect(getPriority()).toBe(main);
  });

  it('any other runs at the priority of the thread that started it', async () => {
    const { client, ready } = await start(false);
    expect(ready).toBe(getPriority());
    expect(await client.request({})).toBe(getPriority());
  });
});
