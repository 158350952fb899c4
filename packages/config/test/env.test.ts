import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@souk/config';

describe('loadConfig', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-config-'));

  it('selects the embedded default when neither DATABASE_URL nor REDIS_URL is set (empty counts as unset)', () => {
    const c = loadConfig({ SOUK_DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(c.embedded).toEqual({ database: true, realtime: true });
    expect(c.pgliteDir).toBe(join(dataDir, 'pglite'));
    expect(c.ports.gateway).toBe(4000);
    // A local HMAC key is made once and reused, so anonymised ids stay stable across runs.
    expect(c.hmacKey).toBe(readFileSync(join(dataDir, 'hmac.key'), 'utf8'));
    expect(loadConfig({ SOUK_DATA_DIR: dataDir }).hmacKey).toBe(c.hmacKey);
  });

  it('uses the real servers when their URLs are set', () => {
    const c = loadConfig({ SOUK_DATA_DIR: dataDir, DATABASE_URL: 'postgresql://db/souk', REDIS_URL: 'redis://cache:6379' });
    expect(c.embedded).toEqual({ database: false, realtime: false });
  });

  it('reports every bad setting at once', () => {
    let err: unknown;
    try {
      loadConfig({ SOUK_DATA_DIR: dataDir, DATABASE_URL: 'mysql://x', GATEWAY_PORT: '99999', LOG_LEVEL: 'loud', SOUK_HMAC_KEY: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of ['DATABASE_URL', 'GATEWAY_PORT', 'LOG_LEVEL', 'SOUK_HMAC_KEY']) expect(problems).toContain(name);
    expect((err as ConfigError).problems).toHaveLength(4);
  });
});
