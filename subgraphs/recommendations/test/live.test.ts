import { createLogger } from '@souk/log';
import { MemoryEventBus } from '@souk/realtime';
import { LiveHub, liveValues } from '../src/live';

// The hub's debouncing and change detection, with the real in-process bus.
describe('live recommendation updates', () => {
  it('coalesces a burst of events into one recomputation and pushes only changed values', async () => {
    const bus = new MemoryEventBus();
    const hub = new LiveHub(bus, 30, createLogger('test', 'silent'));
    await hub.start();
    let computations = 0;
    let value = 'A';
    const compute = async () => {
      computations++;
      return value;
    };
    const it = liveValues(hub, 'u1', compute, (a, b) => a === b);
    expect((await it.next()).value).toBe('A');

    const next = it.next();
    value = 'B';
    for (let i = 0; i < 10; i++) await bus.publish('interactions.recorded', { userId: 'u1', types: ['VIEW'], productIds: [] });
    await bus.publish('interactions.recorded', { userId: 'someone-else', types: ['VIEW'], productIds: [] });
    expect((await next).value).toBe('B');
    expect(computations).toBe(2); // the initial value and one for the whole burst

    // An event that does not change the value pushes nothing.
    let pushed = false;
    const after = it.next().then(() => (pushed = true));
    await bus.publish('interactions.recorded', { userId: 'u1', types: ['VIEW'], productIds: [] });
    await new Promise((r) => setTimeout(r, 120));
    expect(computations).toBe(3);
    expect(pushed).toBe(false);
    // Unsubscribing while a next() waits ends it at once and detaches the listener.
    await it.return!(undefined);
    await after;
    expect(pushed).toBe(true);
    await bus.publish('interactions.recorded', { userId: 'u1', types: ['VIEW'], productIds: [] });
    await new Promise((r) => setTimeout(r, 80));
    expect(computations).toBe(3);
    await hub.stop();
  });
});
