/** GitHub's rate-limit headers per credential, so the portal stops asking when the budget is spent. */
export interface RateLimitState {
  remaining: number;
  /** ms since epoch when the budget refills. */
  resetAt: number;
}

type Headers = Record<string, string | number | undefined>;

export class RateLimitTracker {
  readonly #states = new Map<string, RateLimitState>();

  /** Reads `x-ratelimit-remaining/reset` (and `retry-after` on secondary limits). */
  record(credential: string, headers: Headers, now: number): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
      this.#states.set(credential, { remaining: 0, resetAt: now + retryAfter * 1000 });
      return;
    }
    if (Number.isFinite(remaining) && Number.isFinite(reset)) {
      this.#states.set(credential, { remaining, resetAt: reset * 1000 });
    }
  }

  /** When the budget is spent: the time it refills; else undefined (go ahead). */
  blockedUntil(credential: string, now: number): number | undefined {
    const state = this.#states.get(credential);
    if (!state || state.remaining > 0 || state.resetAt <= now) return undefined;
    return state.resetAt;
  }

  get(credential: string): RateLimitState | undefined {
    return this.#states.get(credential);
  }
}
