import { discoveryApiRef, fetchApiRef, useApi } from '@backstage/core-plugin-api';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { List, ListItem, ListItemIcon, ListItemText, Typography } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import WarningIcon from '@material-ui/icons/Warning';
import useAsync from 'react-use/esm/useAsync';

interface FeatureStatus {
  id: string;
  title: string;
  available: boolean;
  requires: string;
  install: string;
  usedBy: string[];
}

function usePortalFeatures() {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useAsync(async (): Promise<FeatureStatus[]> => {
    const baseUrl = await discoveryApi.getBaseUrl('portal-status');
    const response = await fetchApi.fetch(`${baseUrl}/features`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()).features;
  }, [discoveryApi, fetchApi]);
}

/** Which optional features this installation can run, and the command for what is missing. */
export const PortalStatusCard = () => {
  const { value, loading, error } = usePortalFeatures();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <List dense aria-label="Portal features">
      {value!.map(feature => (
        <ListItem key={feature.id} disableGutters alignItems="flex-start">
          <ListItemIcon>
            {feature.available ? (
              <CheckCircleIcon style={{ color: '#2e7d32' }} titleAccess="available" />
            ) : (
              <WarningIcon style={{ color: '#ed6c02' }} titleAccess="unavailable" />
            )}
          </ListItemIcon>
          <ListItemText
            primary={`${feature.title}: ${feature.available ? 'available' : 'unavailable'}`}
            secondary={
              feature.available ? (
                `Used by ${feature.usedBy.join(', ')}`
              ) : (
                <Typography variant="body2" component="span">
                  Needs {feature.requires}. Install it with <code>{feature.install}</code>
                  {' '}and restart the portal.
                </Typography>
              )
            }
          />
        </ListItem>
      ))}
    </List>
  );
};
