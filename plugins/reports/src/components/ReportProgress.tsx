import { useEffect, useState } from 'react';
import { Box, Button, LinearProgress, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ReportJob } from '@stacktalk/plugin-reports-common';
import { reportsApiRef } from '../api/ReportsClient';
import { saveBlob, fileName } from './files';

/** Follows one job: queued → rendering (with stage) → done (preview + download) or failed. */
export function ReportProgress(props: { job: ReportJob; onFinished(job: ReportJob): void }) {
  const api = useApi(reportsApiRef);
  const [job, setJob] = useState(props.job);
  const [preview, setPreview] = useState<string>();
  const { onFinished } = props;

  useEffect(() => {
    if (job.status === 'done' || job.status === 'failed') return undefined;
    const timer = setTimeout(async () => {
      try {
        const next = await api.get(job.id);
        setJob(next);
        if (next.status === 'done' || next.status === 'failed') onFinished(next);
      } catch {
        setJob(j => ({ ...j })); // poll again
      }
    }, 600);
    return () => clearTimeout(timer);
  }, [api, job, onFinished]);

  useEffect(() => {
    if (job.status !== 'done') return;
    // A data: URL: the app's Content-Security-Policy allows data: images, not blob: ones.
    api.preview(job.id).then(
      blob => {
        const reader = new FileReader();
        reader.onload = () => setPreview(String(reader.result));
        reader.readAsDataURL(blob);
      },
      () => setPreview(undefined),
    );
  }, [api, job.id, job.status]);

  if (job.status === 'failed') return <Alert severity="error">Report failed: {job.error}</Alert>;
  if (job.status !== 'done') {
    return (
      <Box aria-label="Report progress" my={2}>
        <Typography variant="body2">
          {job.status === 'queued' ? 'Queued' : 'Rendering'}{job.stage && job.stage !== job.status ? ` · ${job.stage}` : ''} · {job.progress}%
        </Typography>
        <LinearProgress variant={job.status === 'queued' ? 'indeterminate' : 'determinate'} value={job.progress} />
      </Box>
    );
  }
  return (
    <Box display="flex" alignItems="flex-start" style={{ gap: 16 }} my={2}>
      {preview && <img src={preview} alt="First page preview" style={{ width: 180, border: '1px solid #ccd', boxShadow: '0 1px 4px rgba(0,0,0,.15)' }} />}
      <Box>
        <Typography variant="subtitle1">Report ready</Typography>
        <Typography variant="body2" color="textSecondary">
          {job.pages} page{job.pages === 1 ? '' : 's'} · {Math.round((job.size ?? 0) / 1024)} KiB · {job.format}
        </Typography>
        <Button
          variant="contained"
          color="primary"
          startIcon={<GetAppIcon />}
          style={{ marginTop: 8 }}
          onClick={async () => saveBlob(await api.download(job.id), fileName(job))}
        >
          Download PDF
        </Button>
      </Box>
    </Box>
  );
}
