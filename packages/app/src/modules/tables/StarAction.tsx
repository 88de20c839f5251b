import { FavoriteToggleIcon } from '@backstage/core-components';
import type { CatalogTableRow } from '@backstage/plugin-catalog';
import { useStarredEntities } from '@backstage/plugin-catalog-react';

/**
 * The table's one action: star an entity. The default's View and Edit buttons (disabled
 * without view / edit URLs) took a column's width at 1280 px; the entity page has both links.
 */
export function useStarAction() {
  const { isStarredEntity, toggleStarredEntity } = useStarredEntities();
  return [
    ({ entity }: CatalogTableRow) => {
      const starred = isStarredEntity(entity);
      const title = starred ? 'Remove from favorites' : 'Add to favorites';
      return {
        cellStyle: { paddingLeft: '1em' },
        icon: () => <FavoriteToggleIcon isFavorite={starred} />,
        tooltip: title,
        onClick: () => toggleStarredEntity(entity),
      };
    },
  ];
}
