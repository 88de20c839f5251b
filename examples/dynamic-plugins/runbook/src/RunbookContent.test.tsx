import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { openableUrl, RunbookContent } from './RunbookContent';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'stacktalk-edge-nginx', namespace: 'default' },
  spec: { owner: 'group:default/platform' },
};

function renderTab(runbookUrl: string | null) {
  const fetch = jest.fn(async () => new Response(JSON.stringify({ entityRef: 'component:default/stacktalk-edge-nginx', owner: 'platform', escalationChannel: '#ops-escalation', runbookUrl })));
  return renderInTestApp(
    <TestApiProvider apis={[[discoveryApiRef, { getBaseUrl: async () => 'http://localhost:7007/api/runbook' }], [fetchApiRef, { fetch }]]}>
      <EntityProvider entity={entity}>
        <RunbookContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('RunbookContent', () => {
  it('links an https runbook', async () => {
    await renderTab('https://runbooks.stacktalk.io/edge');
    expect(await screen.findByText('https://runbooks.stacktalk.io/edge')).toHaveAttribute('href', 'https://runbooks.stacktalk.io/edge');
    expect(screen.getByTestId('runbook-escalation')).toHaveTextContent('#ops-escalation');
  });

  it('shows a javascript: annotation as text, without a link, and the tab still renders', async () => {
    await renderTab('javascript:alert(document.cookie)');
    expect(await screen.findByTestId('runbook-unlinked')).toHaveTextContent('javascript:alert(document.cookie)');
    expect(screen.getByTestId('runbook-unlinked').querySelector('a')).toBeNull();
    expect(screen.getByTestId('runbook-owner')).toHaveTextContent('platform');
  });

  it('opens only http and https addresses', () => {
    expect(openableUrl('http://wiki.internal/edge')).toBe('http://wiki.internal/edge');
    expect(openableUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(openableUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(openableUrl('/relative/path')).toBeUndefined();
  });
});
