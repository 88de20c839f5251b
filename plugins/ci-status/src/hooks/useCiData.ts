import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ciSignalChannel, type CiRepoRef, type CiRunChangedSignal } from '@stacktalk/plugin-ci-status-common';
import { ciStatusApiRef, type CiStatusApi } from '../api/CiStatusClient';

/**
 * Loads CI data and loads it again when the backend signals a change of the repository's runs
 * (a GitHub webhook or a re-run), so open pages follow GitHub without a reload.
 */
export function useCiData<T>(repo: CiRepoRef | undefined, load: (api: CiStatusApi) => Promise<T>, deps: unknown[]) {
  const api = useApi(ciStatusApiRef);
  const state = useAsyncRetry(() => load(api), [api, ...deps]);
  const { lastSignal } = useSignal<CiRunChangedSignal>(repo ? ciSignalChannel(repo) : 'ci-status:none');
  const { retry } = state;
  useEffect(() => {
    if (lastSignal) retry();
    // retry changes identity on every render; the signal alone decides
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);
  return state;
}
