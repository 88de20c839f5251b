import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  getCiRepo,
} from '@stacktalk/plugin-ci-status-common';
import { useCiData } from '../hooks/useCiData';
import { RunStatus } from './RunStatus';
import { CiCharts } from './CiCharts';
import { StaleNotice } from './StaleNotice';
import { formatAgo, formatDuration } from './format';

/** Overview card "CI": latest run per watched branch with its badge, and the recent runs' charts. */
export function EntityCiCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const repo = getCiRepo(entity);
  const { value, loading, error } = useCiData(
    repo,
    api => (repo ? api.summary(entityRef) : Promise.resolve(undefined)),
    [entityRef],
  );
  if (!repo)
    return (
      <InfoCard title="CI">
        <MissingAnnotationEmptyState
          annotation={ANNOTATION_GITHUB_PROJECT_SLUG}
        />
      </InfoCard>
    );
  return (
    <div data-testid="ci-card-frame">
      <InfoCard
        title="CI"
        subheader={`${repo.owner}/${repo.repo} · GitHub Actions`}
        deepLink={{ title: 'All runs', link: 'ci' }}
      >
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Box data-testid="ci-card">
            <StaleNotice freshness={value} />
            {value.branches.map(({ branch, latest }) => (
              <Box
                key={branch}
                display="flex"
                alignItems="center"
                flexWrap="wrap"
                mb={1}
                style={{ gap: 12 }}
              >
                <code>{branch}</code>
                {latest ? (
                  <>
                    <RunStatus
                      status={latest.status}
                      conclusion={latest.conclusion}
                      size="medium"
                    />
                    <Typography variant="body2">
                      <Link
                        to={latest.url}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        {latest.workflow} #{latest.runNumber}
                      </Link>{' '}
                      · {formatAgo(latest.startedAt)} ·{' '}
                      {formatDuration(latest.durationSeconds)}
                    </Typography>
                  </>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    No runs on this branch among the recent ones.
                  </Typography>
                )}
              </Box>
            ))}
            <CiCharts summary={value} />
          </Box>
        )}
      </InfoCard>
    </div>
  );
}
