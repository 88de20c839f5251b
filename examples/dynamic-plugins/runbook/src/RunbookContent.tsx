import { Content, InfoCard, Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { discoveryApiRef, fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';

interface Runbook {
  entityRef: string;
  owner: string | null;
  escalationChannel: string;
  runbookUrl: string | null;
}

/**
 * The runbook URL when a browser may open it (http or https). The annotation is anyone's text in
 * catalog YAML: a `javascript:` URL must not become a link (Backstage's Link refuses it by
 * throwing, which would break the whole tab).
 */
export function openableUrl(url: string): string | undefined {
  try {
    const { protocol, href } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? href : undefined;
  } catch {
    return undefined;
  }
}

/** Who to call about this component, from the runbook backend. */
export function RunbookContent() {
  const { entity } = useEntity();
  const discovery = useApi(discoveryApiRef);
  const { fetch } = useApi(fetchApiRef);
  const { namespace = 'default', name } = entity.metadata;
  const { value, loading, error } = useAsync(async (): Promise<Runbook> => {
    const base = await discovery.getBaseUrl('runbook');
    const response = await fetch(`${base}/entity/${encodeURIComponent(namespace)}/${encodeURIComponent(entity.kind)}/${encodeURIComponent(name)}`);
    if (!response.ok) throw new Error(`The runbook backend answered ${response.status}: ${await response.text()}`);
    return response.json();
  }, [discovery, fetch, namespace, name, entity.kind]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const runbookUrl = value?.runbookUrl;
  const href = runbookUrl ? openableUrl(runbookUrl) : undefined;
  return (
    <Content>
      <InfoCard title="Runbook" subheader="Who to call about this component">
        <Typography variant="body1" data-testid="runbook-owner">Owner: <strong>{value?.owner ?? 'nobody'}</strong></Typography>
        <Typography variant="body1" data-testid="runbook-escalation">Escalate in <strong>{value?.escalationChannel}</strong></Typography>
        {href ? (
          <Typography variant="body1">Runbook: <Link to={href}>{runbookUrl}</Link></Typography>
        ) : runbookUrl ? (
          <Typography variant="body1" data-testid="runbook-unlinked">
            Runbook: <code>{runbookUrl}</code> (not linked: only http and https addresses open from here)
          </Typography>
        ) : (
          <Typography variant="body2" color="textSecondary">No runbook link yet: add the annotation stacktalk.io/runbook-url to the component.</Typography>
        )}
      </InfoCard>
    </Content>
  );
}
