import { useApi, identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Chip, List, ListItem, ListItemText, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';

/** Entities owned by the signed-in user or any group they belong to. */
export const OwnedEntitiesCard = () => {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: { 'relations.ownedBy': ownershipEntityRefs },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.type'],
      order: [{ field: 'metadata.name', order: 'asc' }],
    });
    return items;
  }, [identityApi, catalogApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing in the catalog is owned by you or your teams yet. Set
        <code> spec.owner </code> in a service's catalog-info.yaml to your team.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Owned entities">
      {value.map(entity => (
        <ListItem key={`${entity.kind}:${entity.metadata.name}`} disableGutters>
          <ListItemText primary={<EntityRefLink entityRef={entity} />} />
          <Chip
            size="small"
            label={String(entity.spec?.type ?? entity.kind).toLowerCase()}
          />
        </ListItem>
      ))}
    </List>
  );
};
