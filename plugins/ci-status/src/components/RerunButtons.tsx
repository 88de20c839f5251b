import { useState } from 'react';
import { Button, Tooltip } from '@material-ui/core';
import ReplayIcon from '@material-ui/icons/Replay';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { ciRunRerunPermission, type CiRun } from '@stacktalk/plugin-ci-status-common';
import { Alert } from '@material-ui/lab';
import { ciStatusApiRef } from '../api/CiStatusClient';

/** Re-run buttons, shown to people the backend lets re-run (ci.run.rerun: the entity's owners and admins). */
export function RerunButtons(props: { entityRef: string; run: CiRun; onDone: () => void }) {
  const api = useApi(ciStatusApiRef);
  const { allowed, loading } = usePermission({ permission: ciRunRerunPermission, resourceRef: props.entityRef });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string }>();
  if (loading || !allowed) return null;
  const finished = props.run.status === 'completed';
  const rerun = async (failedOnly: boolean) => {
    setBusy(true);
    try {
      await api.rerun(props.entityRef, props.run.id, failedOnly);
      setMessage({ severity: 'success', text: failedOnly ? 'Failed jobs queued again' : 'Run queued again' });
      props.onDone();
    } catch (e) {
      setMessage({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {message && <Alert severity={message.severity}>{message.text}</Alert>}
      {props.run.conclusion === 'failure' && (
        <Button startIcon={<ReplayIcon />} disabled={busy || !finished} onClick={() => rerun(true)}>
          Re-run failed jobs
        </Button>
      )}
      <Tooltip title={finished ? 'Runs every job of this run again on GitHub' : 'Wait for the run to finish'}>
        <span>
          <Button startIcon={<ReplayIcon />} disabled={busy || !finished} onClick={() => rerun(false)}>
            Re-run all jobs
          </Button>
        </span>
      </Tooltip>
    </>
  );
}
