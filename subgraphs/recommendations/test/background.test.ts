import { BackgroundLane } from '../src/background';

describe('BackgroundLane', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs one task at a time, in the order asked, with the gap between them', async () => {
    const lane = new BackgroundLane(30);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string) => async () => {
      most = Math.max(most, ++running);
      log.push(`start ${name} ${Date.now()}`);
      await sleep(20);
      running--;
      log.push(`end ${name} ${Date.now()}`);
      return name;
    };
    const results = await Promise.all([lane.run(task('a')), lane.run(task('b')), lane.run(task('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(log.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    const at = (entry: string) => Number(log.find((l) => l.startsWith(entry))!.split(' ')[2]);
    expect(at('start b') - at('end a')).toBeGreaterThanOrEqual(25);
  });

  it('goes on after a task fails, and hands that task its own error', async () => {
    const lane = new BackgroundLane(0);
    const failed = lane.run(async () => {
      throw new Error('refresh failed');
    });
    const next = lane.run(async () => 'next ran');
    await expect(failed).rejects.toThrow('refresh failed');
    await expect(next).resolves.toBe('next ran');
  });
});
