import { useCallback, useState } from 'react';
import { Box, Button, Card, CardContent, MenuItem, TextField, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import PictureAsPdfIcon from '@material-ui/icons/PictureAsPdf';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { PaperFormat, ReportJob } from '@stacktalk/plugin-reports-common';
import { reportsApiRef } from '../api/ReportsClient';
import { ReportProgress } from './ReportProgress';
import { ReportHistory } from './ReportHistory';
import { SchedulesBox } from './SchedulesBox';

/** Generate a report of one entity, watch it, download it; the entity's report history. */
export function ReportsPanel(props: { entityRef: string }) {
  const { entityRef } = props;
  const api = useApi(reportsApiRef);
  const templates = useAsync(() => api.templates(entityRef), [api, entityRef]);
  const history = useAsyncRetry(() => api.list(entityRef), [api, entityRef]);
  const [template, setTemplate] = useState<string>('');
  const [format, setFormat] = useState<PaperFormat>('A4');
  const [current, setCurrent] = useState<ReportJob>();
  const [error, setError] = useState<string>();
  const refresh = history.retry;
  const finished = useCallback(
    (job: ReportJob) => {
      setCurrent(job);
      refresh();
    },
    [refresh],
  );

  if (templates.loading) return <Progress />;
  if (templates.error) return <ResponseErrorPanel error={templates.error} />;
  const { templates: list, chromium } = templates.value!;
  const chosen = template || list[0]?.id || '';

  const generate = async () => {
    setError(undefined);
    try {
      setCurrent(await api.create(entityRef, chosen, format));
      refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Box>
      <Card>
        <CardContent>
          <Typography variant="h5" gutterBottom>Generate a report</Typography>
          {!chromium.available && (
            <Alert severity="warning" style={{ marginBottom: 12 }}>
              PDF reports need headless Chromium on the portal's server. {chromium.message}
            </Alert>
          )}
          {list.length === 0 ? (
            <Typography color="textSecondary">No report template applies to this kind of entity.</Typography>
          ) : (
            <Box display="flex" alignItems="flex-end" flexWrap="wrap" style={{ gap: 16 }}>
              <TextField id="report-template" select label="Template" value={chosen} onChange={e => setTemplate(e.target.value)} style={{ minWidth: 260 }} helperText={list.find(t => t.id === chosen)?.description}>
                {list.map(t => <MenuItem key={t.id} value={t.id}>{t.title}</MenuItem>)}
              </TextField>
              <TextField id="report-format" select label="Paper" value={format} onChange={e => setFormat(e.target.value as PaperFormat)} style={{ minWidth: 120 }}>
                <MenuItem value="A4">A4</MenuItem>
                <MenuItem value="Letter">Letter</MenuItem>
              </TextField>
              <Button
                variant="contained"
                color="primary"
                startIcon={<PictureAsPdfIcon />}
                disabled={!chromium.available || (current && current.status !== 'done' && current.status !== 'failed')}
                onClick={generate}
              >
                Generate PDF
              </Button>
            </Box>
          )}
          {error && <Alert severity="error" style={{ marginTop: 12 }}>{error}</Alert>}
          {current && <ReportProgress key={current.id} job={current} onFinished={finished} />}
          {list.length > 0 && (
            <SchedulesBox entityRef={entityRef} template={chosen} format={format} templateTitle={id => list.find(t => t.id === id)?.title ?? id} />
          )}
        </CardContent>
      </Card>
      <Box mt={3}>
        <ReportHistory
          title="Report history"
          jobs={history.value}
          loading={history.loading}
          error={history.error}
          empty="No reports generated for this entity yet."
          templateTitle={id => list.find(t => t.id === id)?.title ?? id}
          onChanged={refresh}
          onError={setError}
        />
      </Box>
    </Box>
  );
}
