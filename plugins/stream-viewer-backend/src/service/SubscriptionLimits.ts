/** Too many live views open: the router answers 429 with this message. */
export class TooManySubscriptionsError extends Error {
  name = 'TooManySubscriptionsError';
}

/**
 * Caps the live views (`/streams/live` connections) open on this backend: per user and in all.
 * Each one costs the shared event loop a snapshot per tick (and a filter's work per message), so
 * neither one person's tabs nor everyone's together may grow it without bound.
 */
export class SubscriptionLimits {
  private readonly perUser = new Map<string, number>();
  private total = 0;

  constructor(
    readonly options: { perUser: number; total: number } = {
      perUser: 10,
      total: 200,
    },
  ) {}

  /** Counts a view for `user`, or throws saying which limit it reached; call the returned function once when it closes. */
  acquire(user: string): () => void {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.options.perUser)
      throw new TooManySubscriptionsError(
        `You have ${mine} live stream views open, the most one person may (streamViewer.limits.subscriptionsPerUser): close a Streams tab and try again`,
      );
    if (this.total >= this.options.total)
      throw new TooManySubscriptionsError(
        `The portal has ${this.total} live stream views open, the most it serves at once (streamViewer.limits.subscriptions): try again in a minute`,
      );
    this.perUser.set(user, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left > 0) this.perUser.set(user, left);
      else this.perUser.delete(user);
    };
  }
}
