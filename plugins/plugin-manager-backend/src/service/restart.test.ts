import { ConfigReader } from '@backstage/config';
import { restartGraceMs } from './restart';

describe('restartGraceMs', () => {
  it('is the grace for open connections after Backstage’s server shutdown delay', () => {
    expect(restartGraceMs(new ConfigReader({}))).toBe(10_000);
    expect(restartGraceMs(new ConfigReader({ pluginManager: { restart: { graceSeconds: 4 } } }))).toBe(4_000);
    expect(restartGraceMs(new ConfigReader({ backend: { lifecycle: { serverShutdownDelay: '3s' } } }))).toBe(13_000);
    expect(restartGraceMs(new ConfigReader({ backend: { lifecycle: { serverShutdownDelay: { seconds: 10 } } }, pluginManager: { restart: { graceSeconds: 5 } } }))).toBe(15_000);
  });
});
