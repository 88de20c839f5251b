import { Fragment } from 'react';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityRefLink,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';

/**
 * An entity's title as a link that breaks only between words: each word stays whole (a name
 * such as "stacktalk-metrics-aggregator" is not split at its hyphens or between letters), so a
 * name takes as few lines as the column's width allows.
 */
export function EntityNameCell({
  entity,
  defaultKind,
}: {
  entity: Entity;
  defaultKind?: string;
}) {
  const { primaryTitle } = useEntityPresentation(entity, { defaultKind });
  const words = primaryTitle.split(/\s+/).filter(Boolean);
  return (
    <EntityRefLink
      entityRef={entity}
      defaultKind={defaultKind}
      title={primaryTitle}
    >
      {words.map((word, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span style={{ whiteSpace: 'nowrap' }}>{word}</span>
        </Fragment>
      ))}
    </EntityRefLink>
  );
}

/**
 * A description on up to three lines (about 150 characters in the column at 1280 px): enough to
 * tell entities apart; the whole text on hover.
 */
export function DescriptionCell({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <span
      data-description
      title={text}
      style={{
        display: '-webkit-box',
        WebkitLineClamp: 3,
        WebkitBoxOrient: 'vertical',
        overflow: 'hidden',
      }}
    >
      {text}
    </span>
  );
}
