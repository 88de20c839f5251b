import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError, ServiceUnavailableError } from '@backstage/errors';
import { verify } from '@octokit/webhooks-methods';
import { parseProjectSlug, type WorkflowJob, type WorkflowRun } from '@stacktalk/plugin-ci-status-common';
import type { CiGitHubService } from '@stacktalk/plugin-ci-status-node';
import type { CiNotifier } from './CiNotifier';

export interface WebhookDelivery {
  event: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  /** The body exactly as received: the signature is over these bytes. */
  rawBody: Buffer;
}

export type WebhookOutcome = 'updated' | 'unchanged' | 'ignored' | 'pong';

/**
 * GitHub's `workflow_run` and `workflow_job` webhooks: verified against `X-Hub-Signature-256`
 * (HMAC-SHA256 of the raw body, compared in constant time by @octokit/webhooks-methods), then
 * put into the cache and announced to open browsers. Nothing is read from an unverified body.
 */
export class WebhookReceiver {
  constructor(
    private readonly options: {
      secret?: string;
      host: string;
      github: CiGitHubService;
      notifier: CiNotifier;
      logger: LoggerService;
    },
  ) {}

  async receive(delivery: WebhookDelivery): Promise<WebhookOutcome> {
    const { secret } = this.options;
    if (!secret) throw new ServiceUnavailableError('CI webhooks are off: set ciStatus.webhook.secret');
    if (!delivery.signature) throw new AuthenticationError('Missing X-Hub-Signature-256');
    if (!/^sha256=[0-9a-f]{64}$/i.test(delivery.signature)) throw new AuthenticationError('Invalid X-Hub-Signature-256');
    const valid = await verify(secret, delivery.rawBody.toString('utf8'), delivery.signature).catch(() => false);
    if (!valid) {
      this.options.logger.warn(`Refused a CI webhook delivery ${delivery.deliveryId ?? '(no id)'}: bad signature`);
      throw new AuthenticationError('Invalid X-Hub-Signature-256');
    }
    if (delivery.event === 'ping') return 'pong';
    if (delivery.event !== 'workflow_run' && delivery.event !== 'workflow_job') return 'ignored';

    let payload: { repository?: { full_name?: string }; workflow_run?: WorkflowRun; workflow_job?: WorkflowJob };
    try {
      payload = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch {
      throw new InputError('The webhook body is not JSON');
    }
    const repo = parseProjectSlug(payload.repository?.full_name, this.options.host);
    if (!repo) throw new InputError('The webhook has no repository.full_name');
    const client = this.options.github.forRepo(repo);
    if (delivery.event === 'workflow_run') {
      const run = payload.workflow_run;
      if (!run || !Number.isSafeInteger(run.id) || typeof run.path !== 'string' || typeof run.created_at !== 'string') {
        throw new InputError('workflow_run event without a workflow_run');
      }
      const changed = await client.applyRunEvent(run);
      await this.options.notifier.runChanged(repo, { kind: 'workflow_run', runId: run.id, status: run.status, conclusion: run.conclusion });
      return changed ? 'updated' : 'unchanged';
    }
    const job = payload.workflow_job;
    if (!job || !Number.isSafeInteger(job.id) || !Number.isSafeInteger(job.run_id)) {
      throw new InputError('workflow_job event without a workflow_job');
    }
    const changed = await client.applyJobEvent(job);
    await this.options.notifier.runChanged(repo, { kind: 'workflow_job', runId: job.run_id, status: job.status, conclusion: job.conclusion });
    return changed ? 'updated' : 'unchanged';
  }
}
