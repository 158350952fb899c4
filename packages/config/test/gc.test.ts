import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, gcFlags, loadConfig, YOUNG_GENERATION_FLAG, youngGenerationSized } from '@souk/config';

describe('GC settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-gc-'));

  it('default to a 4x heap growing factor and one marking thread', () => {
    const { gc } = loadConfig({ SOUK_DATA_DIR: dataDir });
    expect(gc).toEqual({ heapGrowingPercent: 300, markingThreads: 1 });
    expect(gcFlags(gc)).toEqual(['--heap-growing-percent=300', '--concurrent-marking-max-worker-num=1']);
  });

  it('leave V8 its own choice for a setting of 0', () => {
    const { gc } = loadConfig({ SOUK_DATA_DIR: dataDir, GC_HEAP_GROWING_PERCENT: '0', GC_MARKING_THREADS: '0' });
    expect(gcFlags(gc)).toEqual([]);
  });

  it('refuse a negative or fractional setting, naming it', () => {
    expect(() => loadConfig({ SOUK_DATA_DIR: dataDir, GC_HEAP_GROWING_PERCENT: '-5' })).toThrow(ConfigError);
    expect(() => loadConfig({ SOUK_DATA_DIR: dataDir, GC_MARKING_THREADS: '1.5' })).toThrow(/GC_MARKING_THREADS/);
  });

  it('see a young generation sized on the command line or in NODE_OPTIONS, and only there', () => {
    expect(youngGenerationSized([YOUNG_GENERATION_FLAG], '')).toBe(true);
    expect(youngGenerationSized(['--import', 'tsx'], `--enable-source-maps ${YOUNG_GENERATION_FLAG}`)).toBe(true);
    expect(youngGenerationSized([], '--max_semi_space_size=32')).toBe(true);
    expect(youngGenerationSized(['--import', 'tsx'], '')).toBe(false);
    expect(youngGenerationSized([], '--max-old-space-size=4096')).toBe(false);
    expect(youngGenerationSized([], '--max-semi-space-size')).toBe(false); // no size: V8 would refuse it
  });
});
