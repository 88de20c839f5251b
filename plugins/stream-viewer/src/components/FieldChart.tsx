import { useMemo } from 'react';
import type { Point } from '../api/types';
import { CategoryChart } from './CategoryChart';
import { chooseChart } from './chartChoice';
import { TimeChart } from './TimeChart';

/** One charted field of a stream, drawn as its values call for (see chooseChart). */
export function FieldChart({
  field,
  points,
  from,
  to,
  at,
  exact,
  emptyText,
}: {
  field: string;
  points: Point[];
  from: number;
  to: number;
  at: number;
  /** The points are every message of the window (not sampled by the server). */
  exact: boolean;
  emptyText: string;
}) {
  const choice = useMemo(() => chooseChart(field, points), [field, points]);
  const lines = useMemo(() => [{ name: field, points }], [field, points]);
  if (choice.kind === 'categories')
    return (
      <CategoryChart
        title={field}
        counts={choice.counts}
        exact={exact}
        at={at}
        newest={points.length ? points[points.length - 1][0] : 0}
        emptyText={emptyText}
      />
    );
  return (
    <TimeChart
      title={field}
      note={points.length ? `last ${points[points.length - 1][1]}` : undefined}
      lines={lines}
      from={from}
      to={to}
      at={at}
      emptyText={emptyText}
      fromZero={choice.fromZero}
      dense={choice.dense}
    />
  );
}
