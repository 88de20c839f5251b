import type { Config } from '@backstage/config';

export interface CiStatusConfig {
  /** Job log lines shown in the tail. */
  logTailLines: number;
  /** Finished runs in the card's charts. */
  chartRuns: number;
  /** Components the CI health page looks at, at most. */
  healthMaxComponents: number;
  /** `X-Hub-Signature-256` secret; without it the webhook endpoint refuses every delivery. */
  webhookSecret?: string;
  /** GitHub host the webhooks come from (as in integrations.github[].host). */
  webhookHost: string;
}

export function readCiStatusConfig(config: Config): CiStatusConfig {
  const int = (key: string, fallback: number, min: number, max: number) => {
    const value = config.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${key} must be an integer ${min}..${max}`);
    return value;
  };
  return {
    logTailLines: int('ciStatus.logTailLines', 200, 10, 5000),
    chartRuns: int('ciStatus.chartRuns', 30, 5, 100),
    healthMaxComponents: int('ciStatus.health.maxComponents', 300, 1, 5000),
    webhookSecret: config.getOptionalString('ciStatus.webhook.secret') || undefined,
    webhookHost: config.getOptionalString('ciStatus.webhook.host') ?? 'github.com',
  };
}
