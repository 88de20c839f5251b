import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { exceldnaApiRef } from '../api/ExceldnaClient';
import { ReadinessChip } from './badges';

/** Overview card: the latest build's release readiness. */
export function EntityExcelAddInCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(exceldnaApiRef);
  const { value, loading, error } = useAsync(() => api.builds(entityRef), [entityRef]);
  const latest = value?.builds[0];
  return (
    <InfoCard title="Excel add-in release">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {!loading && !error && !latest && <Typography>No builds yet.</Typography>}
      {latest && (
        <>
          <Typography>
            Latest build {latest.version ?? ''} ({latest.branch ?? 'no branch'}, {new Date(latest.createdAt).toLocaleDateString()}){' '}
            <ReadinessChip ready={latest.readiness.ready} />
          </Typography>
          {latest.readiness.problems.slice(0, 5).map(p => (
            <Typography key={p} variant="body2" color="textSecondary">
              {p}
            </Typography>
          ))}
        </>
      )}
    </InfoCard>
  );
}
