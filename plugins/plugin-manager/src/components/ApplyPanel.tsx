import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Button, LinearProgress, Step, StepLabel, Stepper, Typography } from '@material-ui/core';
import { type AppliedChanges, type ChangesResponse, pluginManagerApiRef, type ReplicaInfo } from '../api/PluginManagerClient';

/** How long the page waits for the backend to come back and confirm the changes. */
const GIVE_UP_MS = 6 * 60_000;
const POLL_MS = 1000;

export type ApplyPhase = 'requesting' | 'stopping' | 'starting' | 'checking' | 'live' | 'rolled-back' | 'failed';

const STEPS = ['Change accepted', 'Backend stopping', 'Backend starting', 'Plugin answering'];
const STEP_OF: Record<ApplyPhase, number> = {
  requesting: 0,
  stopping: 1,
  starting: 2,
  checking: 3,
  live: 4,
  'rolled-back': 3,
  failed: 1,
};

export interface ApplyState {
  phase: ApplyPhase;
  startedAt: number;
  applyId?: string;
  result?: AppliedChanges;
  message?: string;
  /** Seconds from the click to the result. */
  seconds?: number;
  /** With several replicas: each one, and whether it runs the new set yet (they restart one at a time). */
  replicas?: ReplicaInfo[];
}

function replicaState(r: ReplicaInfo) {
  if (r.current) return 'current';
  return r.restarting ? 'restarting' : 'waiting';
}

function describe(change: { action: string; package: string; version?: string }) {
  return `${change.action} ${change.package}${change.version ? ` ${change.version}` : ''}`;
}

/**
 * Applies the pending changes (POST /restart), then follows the backend through its restart by
 * polling /changes: the old process still answering (stopping), no answer (starting), the new
 * process answering before it has confirmed the changes (checking), then the result — live, or
 * rolled back with the error. `startedAt` is when the admin acted (the install click).
 */
export function useApplyChanges(onFinished: () => void) {
  const api = useApi(pluginManagerApiRef);
  const [state, setState] = useState<ApplyState | undefined>();
  const cancelled = useRef(false);
  useEffect(() => () => {
    cancelled.current = true;
  }, []);

  const apply = useCallback(
    async (startedAt = Date.now()) => {
      const update = (next: Omit<ApplyState, 'startedAt'>) => {
        if (!cancelled.current) setState({ startedAt, ...next });
      };
      update({ phase: 'requesting' });
      let restart;
      try {
        restart = await api.restart();
      } catch (error) {
        update({ phase: 'failed', message: (error as Error).message });
        return;
      }
      const { applyId, boot } = restart;
      update({ phase: 'stopping', applyId });
      while (!cancelled.current) {
        await new Promise(resolve => setTimeout(resolve, POLL_MS));
        if (Date.now() - startedAt > GIVE_UP_MS) {
          update({ phase: 'failed', applyId, message: `The backend did not confirm the changes within ${GIVE_UP_MS / 60_000} minutes; see its log` });
          return;
        }
        let changes: ChangesResponse;
        try {
          changes = await api.changes();
        } catch {
          update({ phase: 'starting', applyId });
          continue;
        }
        if (changes.boot?.id === boot.id) {
          update({ phase: 'stopping', applyId });
          continue;
        }
        const result = changes.history?.find(h => h.id === applyId);
        if (result) {
          const seconds = Math.round((Date.now() - startedAt) / 100) / 10;
          update({ phase: result.result, applyId, result, seconds, replicas: changes.replicas });
          onFinished();
          // Other replicas catch up one at a time: followed until all run the new set.
          let replicas = changes.replicas ?? [];
          while (!cancelled.current && result.result === 'live' && replicas.length > 1 && replicas.some(r => !r.current)) {
            if (Date.now() - startedAt > GIVE_UP_MS) return;
            await new Promise(resolve => setTimeout(resolve, 2 * POLL_MS));
            replicas = (await api.changes().catch(() => undefined))?.replicas ?? replicas;
            update({ phase: result.result, applyId, result, seconds, replicas });
          }
          return;
        }
        update({ phase: 'checking', applyId });
      }
    },
    [api, onFinished],
  );
  return { state, apply };
}

/** The progress of an apply, then its result. */
export function ApplyProgress({ state }: { state: ApplyState }) {
  const [now, setNow] = useState(Date.now());
  const done = state.phase === 'live' || state.phase === 'rolled-back' || state.phase === 'failed';
  useEffect(() => {
    if (done) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [done]);
  const elapsed = Math.max(0, Math.round((now - state.startedAt) / 1000));
  return (
    <Box mb={2} p={2} data-testid="apply-progress" data-phase={state.phase} style={{ border: '1px solid #ddd', borderRadius: 4 }}>
      <Typography variant="h6">
        {done ? 'Applying the change: done' : `Applying the change… ${elapsed} s`}
      </Typography>
      <Stepper activeStep={STEP_OF[state.phase]} alternativeLabel>
        {STEPS.map((label, i) => (
          <Step key={label} completed={state.phase === 'live' ? true : i < STEP_OF[state.phase]}>
            <StepLabel error={(state.phase === 'rolled-back' || state.phase === 'failed') && i === STEP_OF[state.phase]}>{label}</StepLabel>
          </Step>
        ))}
      </Stepper>
      {!done && <LinearProgress />}
      {state.phase === 'live' && state.result && (
        <Box data-testid="apply-live" mt={1}>
          <Typography variant="body1" style={{ color: '#2e7d32' }}>
            <strong>Live after {state.seconds} s.</strong>{' '}
            {state.result.plugins.map(p => `${p.package}${p.pluginId ? ` (${p.pluginId})` : ''}: ${p.answering ? 'answering' : 'not answering'}`).join('; ') ||
              state.result.changes.map(describe).join('; ')}
          </Typography>
          <Typography variant="body2">The backend runs the change now; reload the page for the app to load new or removed frontend features.</Typography>
          {state.replicas && state.replicas.length > 1 && (
            <Typography variant="body2" data-testid="apply-replicas">
              Replicas on the new set: {state.replicas.filter(r => r.current).length} of {state.replicas.length}
              {state.replicas.some(r => !r.current) ? ' (the others restart one at a time: ' : ' ('}
              {state.replicas.map(r => `${r.id} ${replicaState(r)}`).join(', ')})
            </Typography>
          )}
          <Button variant="outlined" color="primary" size="small" onClick={() => window.location.reload()}>Reload the page</Button>
        </Box>
      )}
      {state.phase === 'rolled-back' && state.result && (
        <Box data-testid="apply-rolled-back" mt={1}>
          <Typography variant="body1" color="error">
            <strong>Rolled back after {state.seconds} s:</strong> {state.result.changes.map(describe).join('; ')} did not start.
          </Typography>
          <Typography variant="body2" data-testid="apply-error"><code>{state.result.error}</code></Typography>
          <Typography variant="body2">The portal runs what it ran before the change.</Typography>
        </Box>
      )}
      {state.phase === 'failed' && (
        <Typography variant="body1" color="error" data-testid="apply-failed">{state.message}</Typography>
      )}
    </Box>
  );
}

/**
 * Pending changes (made without a restart, e.g. where no supervisor starts the backend again)
 * and the last applied set, live or rolled back with its error.
 */
export function ChangesBanner({ changes, canManage, onApply }: { changes?: ChangesResponse; canManage: boolean; onApply: () => void }) {
  const last = changes?.history?.[0];
  return (
    <>
      {changes?.restartNeeded && (
        <Box mb={2} p={2} data-testid="restart-banner" style={{ backgroundColor: '#fff3e0', borderLeft: '4px solid #ef6c00' }}>
          <Typography variant="body1"><strong>Restart needed.</strong> These changes take effect when the backend restarts:</Typography>
          {changes.changes.map(c => (
            <Typography key={`${c.at}-${c.package}-${c.action}`} variant="body2">
              {c.action} <code>{c.package}</code>{c.version ? ` ${c.version}` : ''} by {c.by}
            </Typography>
          ))}
          {canManage && changes.restartAvailable && (
            <Box mt={1}>
              <Button variant="contained" color="primary" size="small" onClick={onApply}>Apply now (restart the backend)</Button>
            </Box>
          )}
        </Box>
      )}
      {last && !changes?.restartNeeded && (
        <Box mb={2} data-testid="last-applied" data-result={last.result}>
          <Typography variant="body2" color={last.result === 'live' ? 'textSecondary' : 'error'}>
            Last change ({new Date(last.finishedAt).toLocaleString()}): {last.changes.map(describe).join('; ')} —{' '}
            {last.result === 'live' ? 'live' : `rolled back: ${last.error}`}
          </Typography>
        </Box>
      )}
    </>
  );
}
