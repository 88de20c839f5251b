/** "3 min ago", "5 days ago": how old a version is. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return 'just now';
  const units: Array<[number, string]> = [[60 * 60 * 24 * 365, 'year'], [60 * 60 * 24 * 30, 'month'], [60 * 60 * 24, 'day'], [60 * 60, 'hour'], [60, 'min']];
  for (const [size, unit] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${unit}${n > 1 && unit !== 'min' ? 's' : ''} ago`;
    }
  }
  return 'just now';
}

/** Days until a rotate-by date (negative when overdue). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.ceil((new Date(iso).getTime() - now) / 86_400_000);
}
