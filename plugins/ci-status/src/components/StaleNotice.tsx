import { Alert } from '@material-ui/lab';
import type { CiFreshness } from '@stacktalk/plugin-ci-status-common';
import { formatAgo, formatTime } from './format';

/** Says when the data shown could not be confirmed with GitHub, and since when. */
export function StaleNotice({ freshness }: { freshness: CiFreshness }) {
  const { stale } = freshness;
  if (!stale) return null;
  const why =
    stale.reason === 'rate-limited'
      ? `the portal's GitHub rate limit is spent${stale.retryAfter ? ` until ${formatTime(stale.retryAfter)}` : ''}`
      : 'GitHub did not answer';
  return (
    <Alert severity="warning" data-testid="ci-stale">
      Stale since {formatTime(stale.since)} ({formatAgo(stale.since)}): {why}. Showing the last data GitHub gave.
    </Alert>
  );
}
