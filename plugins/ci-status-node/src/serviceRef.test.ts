import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ciGitHubServiceRef, type CiGitHubService } from './index';
import { startGitHubFixture, type GitHubFixture } from './testUtils';

let fixture: GitHubFixture;
beforeAll(async () => {
  fixture = await startGitHubFixture();
});
afterAll(() => fixture.close());

it('is a dependency other backend plugins declare', async () => {
  let github: CiGitHubService | undefined;
  const plugin = createBackendPlugin({
    pluginId: 'exceldna',
    register(env) {
      env.registerInit({
        deps: { github: ciGitHubServiceRef, logger: coreServices.logger },
        async init(deps) {
          github = deps.github;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      mockServices.rootConfig.factory({
        data: { integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] } },
      }),
    ],
  });
  const runs = await github!.forRepo('stacktalk/stacktalk-excel-addin').listWorkflowRuns({ perPage: 3 });
  expect(runs.data.workflow_runs).toHaveLength(3);
  await backend.stop();
});
