import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import type { Entity } from '@backstage/catalog-model';
import type { CiRunsResponse } from '@stacktalk/plugin-ci-status-common';
import { ciStatusApiRef, type CiStatusApi } from '../api/CiStatusClient';
import { EntityCiContent } from './EntityCiContent';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'promptpulse-api', namespace: 'default', annotations },
  spec: { owner: 'group:default/promptpulse' },
});

const runs: CiRunsResponse = {
  repo: 'stacktalk/promptpulse',
  checkedAt: new Date(Date.now() - 30 * 60_000).toISOString(),
  stale: { since: '2026-12-04T07:00:00Z', reason: 'github-unavailable' },
  workflows: ['api.yml'],
  branches: ['main'],
  runs: [
    { id: 1, workflow: 'API', workflowFile: 'api.yml', runNumber: 140, attempt: 1, branch: 'main', event: 'push', commitMessage: 'Fix flaky reconnect test', sha: 'abcdef0123', actor: 'asha-k', status: 'completed', conclusion: 'failure', startedAt: '2026-12-04T06:00:00Z', durationSeconds: 187, url: 'https://github.com/stacktalk/promptpulse/actions/runs/1' },
  ],
};

function renderTab(e: Entity, api: Partial<CiStatusApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[ciStatusApiRef, api], [signalApiRef, { subscribe: () => ({ unsubscribe() {} }) }]]}>
      <EntityProvider entity={e}>
        <EntityCiContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityCiContent', () => {
  it('explains which annotation an entity without a repository needs, and asks nothing', async () => {
    const api = { runs: jest.fn() };
    await renderTab(entity({}), api);
    expect((await screen.findAllByText(/github\.com\/project-slug/)).length).toBeGreaterThan(0);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.runs).not.toHaveBeenCalled();
  });

  it('lists runs with a link to GitHub and says when the data is stale', async () => {
    await renderTab(entity({ 'github.com/project-slug': 'stacktalk/promptpulse' }), { runs: async () => runs });
    expect(await screen.findByText('Fix flaky reconnect test')).toBeInTheDocument();
    expect(screen.getByText('View on GitHub').closest('a')).toHaveAttribute('href', 'https://github.com/stacktalk/promptpulse/actions/runs/1');
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(screen.getByText('3m 07s')).toBeInTheDocument();
    expect(screen.getByTestId('ci-stale')).toHaveTextContent('GitHub did not answer');
  });
});
