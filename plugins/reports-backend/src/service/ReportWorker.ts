import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ReportJob } from '@stacktalk/plugin-reports-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ReportContext, ReportTemplate } from '../templates/ReportTemplates';
import type { PdfRenderer } from './PdfRenderer';
import { RenderTimeoutError } from './PdfRenderer';
import type { ReportQueue } from './ReportQueue';
import { RequesterCredentials } from './RequesterCredentials';

/** A job past `reports.limits.jobTimeoutSeconds`, or a PDF past `maxPdfMegabytes`: not retried. */
export class ReportLimitError extends Error {
  name = 'ReportLimitError';
}

const KB = 1024;
const MB = 1024 * KB;
const size = (bytes: number) => (bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / KB))} KB`);

/** Chromium went away under the render: worth another attempt on a fresh browser. */
export function isBrowserCrash(error: unknown): boolean {
  return /Target closed|Session closed|disconnected|Connection closed|TargetCloseError|Protocol error|browser has disconnected|Navigating frame was detached|detached Frame/i.test(
    String((error as Error)?.message ?? error) + String((error as Error)?.name ?? ''),
  );
}

export interface ReportWorkerOptions {
  queue: ReportQueue;
  renderer: PdfRenderer;
  templates: Map<string, ReportTemplate>;
  /**
   * Loads the entity and builds the report's context: as `requester` when their credentials
   * are at hand, else as a job whose requester is away (`job.createdBy`, with the reason).
   */
  context(job: ReportJob, requester: BackstageCredentials | undefined, signal: AbortSignal): Promise<ReportContext | undefined>;
  /** Credentials of requesters who just asked (see {@link RequesterCredentials}). */
  requesters?: RequesterCredentials;
  logger: LoggerService;
  concurrency: number;
  /** The Chromium part of a render. */
  timeoutMs: number;
  /** The whole job: gathering the sections, rendering, the preview (default: no limit). */
  jobTimeoutMs?: number;
  /** A larger PDF fails the job (default: no limit). */
  maxPdfBytes?: number;
  maxAttempts: number;
  pollMs?: number;
}

/** `concurrency` loops that claim jobs from the queue and render them; woken on enqueue. */
export class ReportWorker {
  private running = false;
  private loops: Promise<void>[] = [];
  private wakers: Array<() => void> = [];
  /** Jobs this replica renders now: their claims are renewed while they last. */
  private readonly inFlight = new Set<string>();
  private renewer?: NodeJS.Timeout;

  readonly requesters: RequesterCredentials;

  constructor(private readonly options: ReportWorkerOptions) {
    this.requesters = options.requesters ?? new RequesterCredentials();
  }

  async start() {
    if (this.running) return;
    this.running = true;
    const requeued = await this.options.queue.requeueInterrupted();
    if (requeued) this.options.logger.info(`Re-queued ${requeued} report(s) interrupted by the last shutdown`);
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
    this.renewer = setInterval(() => {
      this.options.queue.renew([...this.inFlight]).catch(error => this.options.logger.warn(`Could not renew the claims of reports in flight: ${error}`));
    }, Math.max(100, Math.floor(this.options.queue.leaseMs / 3)));
  }

  async stop() {
    this.running = false;
    clearInterval(this.renewer);
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** A job was queued: idle loops look now instead of at their next poll. */
  wake() {
    const w = this.wakers;
    this.wakers = [];
    w.forEach(f => f());
  }

  private async loop() {
    while (this.running) {
      let job: ReportJob | undefined;
      try {
        job = await this.options.queue.claim(this.requesters.jobIds());
      } catch (error) {
        this.options.logger.error('Could not claim a report job', error as Error);
      }
      if (!job) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
          this.wakers.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      await this.process(job);
    }
  }

  private async process(job: ReportJob) {
    const { queue, logger, jobTimeoutMs } = this.options;
    const requester = this.requesters.take(job.id);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    this.inFlight.add(job.id);
    try {
      const work = this.render(job, requester, abort.signal);
      if (!jobTimeoutMs) {
        await work;
        return;
      }
      work.catch(() => {}); // its failure after the time is up is not news
      await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            abort.abort();
            reject(new ReportLimitError(`The report took longer than ${Math.round(jobTimeoutMs / 1000)} s and was stopped (reports.limits.jobTimeoutSeconds)`));
          }, jobTimeoutMs);
        }),
      ]);
    } catch (error) {
      const message = error instanceof RenderTimeoutError ? error.message : String((error as Error)?.message ?? error);
      // A crash is retried; so is a first timeout, since the Chromium it ran on may have been
      // wedged (it was replaced). A document that really takes too long fails on its second try.
      const retry =
        !(error instanceof ReportLimitError) &&
        (isBrowserCrash(error) || (error instanceof RenderTimeoutError && job.attempts < 2)) &&
        job.attempts < this.options.maxAttempts;
      logger.warn(`Report ${job.id} (${job.template} of ${job.entityRef}) attempt ${job.attempts} failed: ${message}${retry ? '; retrying' : ''}`);
      // A retry on this replica is still rendered on behalf of the requester (while their sign-in lasts).
      if (retry && requester) this.requesters.hold(job.id, requester);
      await queue.fail(job.id, retry ? message : withHint(message), retry);
      if (retry) this.wake();
    } finally {
      this.inFlight.delete(job.id);
      clearTimeout(timer);
      abort.abort();
    }
  }

  private async render(job: ReportJob, requester: BackstageCredentials | undefined, signal: AbortSignal) {
    const { queue, renderer, templates, maxPdfBytes } = this.options;
    const template = templates.get(job.template);
    if (!template) throw new Error(`Template ${job.template} no longer exists`);
    await queue.progress(job.id, 5, 'loading the entity');
    const context = await this.options.context(job, requester, signal);
    if (!context) throw new Error(`${job.entityRef} is no longer in the catalog`);
    const html = await template.build(context, (fraction, stage) => {
      queue.progress(job.id, 5 + fraction * 35, stage).catch(() => {});
    });
    signal.throwIfAborted();
    await queue.progress(job.id, 45, 'rendering the PDF');
    const title = context.entity.metadata.title ?? context.entity.metadata.name;
    const pdf = await renderer.render(html, { format: job.format, title: `${template.title}: ${title}`, timeoutMs: this.options.timeoutMs });
    if (maxPdfBytes !== undefined && pdf.length > maxPdfBytes) {
      throw new ReportLimitError(`The PDF is ${size(pdf.length)}, more than the ${size(maxPdfBytes)} a report may have (reports.limits.maxPdfMegabytes)`);
    }
    signal.throwIfAborted();
    await queue.progress(job.id, 85, 'drawing the preview');
    const preview = await renderer.preview(html, { format: job.format }).catch(() => undefined);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    signal.throwIfAborted();
    if (!(await queue.complete(job.id, pdf, preview, pages))) {
      this.options.logger.warn(`Report ${job.id} was taken over by another replica while rendering here (its claim ran out); this render is dropped`);
    }
  }
}

function withHint(message: string) {
  if (isBrowserCrash(message)) return `${message} (Chromium kept crashing; see the backend log)`;
  return message;
}
