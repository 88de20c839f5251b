import { useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Box, FormControl, InputLabel, MenuItem, Select, Typography } from '@material-ui/core';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { ANNOTATION_GITHUB_PROJECT_SLUG, getCiRepo, type CiRun } from '@stacktalk/plugin-ci-status-common';
import type { CiRunFilters } from '../api/CiStatusClient';
import { useCiData } from '../hooks/useCiData';
import { RunsTable } from './RunsTable';
import { RunDetailDialog } from './RunDetailDialog';
import { StaleNotice } from './StaleNotice';
import { formatAgo } from './format';

const STATUSES = ['success', 'failure', 'cancelled', 'in_progress', 'queued'];

function FilterSelect(props: { label: string; value?: string; options: string[]; onChange: (value?: string) => void }) {
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 180 }}>
      <InputLabel>{props.label}</InputLabel>
      <Select
        label={props.label}
        value={props.value ?? ''}
        onChange={e => props.onChange((e.target.value as string) || undefined)}
        inputProps={{ 'aria-label': props.label }}
      >
        <MenuItem value="">All</MenuItem>
        {props.options.map(option => (
          <MenuItem key={option} value={option}>{option}</MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The entity tab "CI": GitHub Actions runs of the component's workflows, live. */
export function EntityCiContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const repo = getCiRepo(entity);
  const [filters, setFilters] = useState<CiRunFilters>({});
  const [open, setOpen] = useState<CiRun>();
  const { value, loading, error } = useCiData(repo, api => (repo ? api.runs(entityRef, filters) : Promise.resolve(undefined)), [entityRef, filters.workflow, filters.branch, filters.status]);
  if (!repo) return <MissingAnnotationEmptyState annotation={ANNOTATION_GITHUB_PROJECT_SLUG} />;
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
        <FilterSelect label="Workflow" value={filters.workflow} options={value?.workflows ?? []} onChange={workflow => setFilters(f => ({ ...f, workflow }))} />
        <FilterSelect label="Branch" value={filters.branch} options={value?.branches ?? []} onChange={branch => setFilters(f => ({ ...f, branch }))} />
        <FilterSelect label="Status" value={filters.status} options={STATUSES} onChange={status => setFilters(f => ({ ...f, status }))} />
        {value && (
          <Typography variant="body2" color="textSecondary">
            {repo.owner}/{repo.repo} · checked with GitHub {formatAgo(value.checkedAt)} · updates live
          </Typography>
        )}
      </Box>
      {value && <StaleNotice freshness={value} />}
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <RunsTable runs={value.runs} onOpen={setOpen} title={`Workflow runs (${value.runs.length})`} />}
      {open && <RunDetailDialog entityRef={entityRef} repo={repo} runId={open.id} onClose={() => setOpen(undefined)} />}
    </Box>
  );
}
