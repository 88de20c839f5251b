import type { SignalsService } from '@backstage/plugin-signals-node';
import { ciSignalChannel, type CiRepoRef, type CiRunChangedSignal } from '@stacktalk/plugin-ci-status-common';

/** Tells open browsers that a repository's CI changed (Backstage signals; they refetch). */
export class CiNotifier {
  constructor(private readonly signals: SignalsService) {}

  async runChanged(repo: CiRepoRef, message: CiRunChangedSignal): Promise<void> {
    // Broadcast: CI status is readable by every signed-in person (ci.status.read), and the
    // message carries only the run id and its state.
    await this.signals.publish({ recipients: { type: 'broadcast' }, channel: ciSignalChannel(repo), message });
  }
}
