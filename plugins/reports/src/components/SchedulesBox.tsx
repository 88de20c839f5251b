import { useState } from 'react';
import { Box, Button, Chip, TextField, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import ScheduleIcon from '@material-ui/icons/Schedule';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { PaperFormat } from '@stacktalk/plugin-reports-common';
import { reportsApiRef } from '../api/ReportsClient';

/** Cron schedules of the chosen template for this entity. */
export function SchedulesBox(props: { entityRef: string; template: string; templateTitle: (id: string) => string; format: PaperFormat }) {
  const api = useApi(reportsApiRef);
  const list = useAsyncRetry(() => api.schedules(props.entityRef), [api, props.entityRef]);
  const [cron, setCron] = useState('0 6 * * 1');
  const [error, setError] = useState<string>();
  const add = async () => {
    setError(undefined);
    try {
      await api.createSchedule(props.entityRef, props.template, props.format, cron);
      list.retry();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Box mt={3}>
      <Typography variant="subtitle1">Scheduled reports</Typography>
      <Box display="flex" alignItems="flex-start" style={{ gap: 12 }}>
        <TextField id="report-cron" label="Cron (UTC)" value={cron} onChange={e => setCron(e.target.value)} helperText="minute hour day month weekday — 0 6 * * 1 is Mondays 06:00" />
        <Button variant="outlined" startIcon={<ScheduleIcon />} onClick={add} style={{ marginTop: 12 }}>
          Schedule {props.templateTitle(props.template)}
        </Button>
      </Box>
      {error && <Alert severity="error">{error}</Alert>}
      <Box mt={1} display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {(list.value ?? []).map(s => (
          <Chip
            key={s.id}
            icon={<ScheduleIcon />}
            label={`${props.templateTitle(s.template)} · ${s.cron} · next ${new Date(s.nextRunAt).toLocaleString()}`}
            onDelete={async () => {
              await api.deleteSchedule(s.id).catch(e => setError(e.message));
              list.retry();
            }}
          />
        ))}
      </Box>
    </Box>
  );
}
