import os from 'node:os';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { HEADLESS_CHROMIUM_ARGS, chromiumKind, detectChromium } from './chromiumArgs';

export { detectChromium };

export const CHROMIUM_ARGS = [
  ...HEADLESS_CHROMIUM_ARGS,
  '--disable-dev-shm-usage',
  // No network at all, below the request interception: every connection (including speculative
  // preconnects, which never reach interception) goes to a dead local proxy, loopback included.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  '--dns-prefetch-disable',
];

/** Puppeteer starts Chromium detached: the browser leads a process group with all its children. */
function killGroup(browser: Browser) {
  const pid = browser.process()?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

export interface BrowserPoolOptions {
  executablePath: string;
  /** Pages rendering at once; default the number of CPU cores. */
  concurrency?: number;
  /** Restart Chromium after this many renders (bounds memory growth); default 200. */
  restartAfter?: number;
  logger?: { info(m: string): void; warn(m: string): void };
}

/**
 * One Chromium, launched on first use and reused; up to `concurrency` pages, each recycled
 * after its render. Chromium is relaunched after `restartAfter` renders, or when it dies (a
 * crash fails the renders in flight, which the job queue retries).
 */
export class BrowserPool {
  private browser?: Promise<Browser>;
  /** Rejects when the current Chromium goes away: renders in flight fail at once, not at their timeout. */
  private gone?: Promise<never>;
  private idle: Page[] = [];
  private active = 0;
  private waiters: Array<() => void> = [];
  private rendersOnBrowser = 0;
  private launches = 0;
  readonly concurrency: number;
  private readonly restartAfter: number;

  constructor(private readonly options: BrowserPoolOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? os.cpus().length);
    this.restartAfter = options.restartAfter ?? 200;
  }

  get stats() {
    return { launches: this.launches, active: this.active, idle: this.idle.length, waiting: this.waiters.length };
  }

  /** The running Chromium's process id (for tests and the benchmark's crash run). */
  async pid(): Promise<number | undefined> {
    return (await this.getBrowser()).process()?.pid;
  }

  private getBrowser(): Promise<Browser> {
    if (!this.browser) {
      this.launches++;
      const launching = puppeteer.launch({
        executablePath: this.options.executablePath,
        // The headless shell is started with plain `--headless`; the full browser with `--headless=new`.
        headless: chromiumKind(this.options.executablePath) === 'headless-shell' ? 'shell' : true,
        args: CHROMIUM_ARGS,
        protocolTimeout: 120_000,
      });
      this.browser = launching;
      let exited: (error: Error) => void = () => {};
      this.gone = new Promise<never>((_, reject) => {
        exited = reject;
      });
      this.gone.catch(() => {}); // observed by the renders in flight, if any
      launching.then(
        b =>
          b.on('disconnected', () => {
            // Puppeteer rejects most calls on a closed connection, but a page waiting for its
            // load event can wait for the render timeout: fail them all now (a retryable crash).
            exited(new Error('Target closed: Chromium exited during the render'));
            // When the browser process is killed, its renderers, zygotes and GPU process live on
            // as orphans: end its whole process group.
            killGroup(b);
            if (this.browser === launching) this.forget('Chromium exited');
          }),
        () => {
          if (this.browser === launching) this.browser = undefined;
        },
      );
    }
    return this.browser;
  }

  /**
   * Kills the current Chromium (a render timed out: it may be wedged, as Chromium sometimes is
   * with concurrent printToPDF / captureScreenshot). Renders in flight fail as crashes, which the
   * queue retries; the next render launches a fresh one.
   */
  async replace(reason: string) {
    const current = this.browser;
    if (!current) return;
    this.forget(`${reason}; Chromium is killed`); // the next render must not pick it up
    const browser = await current.catch(() => undefined);
    if (browser) killGroup(browser);
  }

  private forget(reason: string) {
    this.options.logger?.warn(`${reason}; a new Chromium is launched for the next render`);
    this.browser = undefined;
    this.idle = [];
    this.rendersOnBrowser = 0;
  }

  private async acquireSlot() {
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>(resolve => this.waiters.push(resolve));
  }

  private releaseSlot() {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }

  private prepared = new WeakSet<Page>();

  /**
   * Runs `fn` on a recycled page (or a new one, first passed through `setup` once: settings that
   * stay for the page's life cost nothing per render). A page that failed is closed. With
   * `timeout`, everything after a slot is free (opening the page, `setup`, `fn`) must finish in
   * `timeout.ms`, else `timeout.error()` is thrown and this Chromium is replaced: a wedged one
   * does not even open a page.
   */
  async withPage<T>(
    fn: (page: Page) => Promise<T>,
    setup?: (page: Page) => Promise<void>,
    timeout?: { ms: number; error: () => Error },
  ): Promise<T> {
    await this.acquireSlot();
    let page: Page | undefined;
    let healthy = false;
    let gone: Promise<never> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let timedOut: Error | undefined;
    try {
      const expired = new Promise<never>((_, reject) => {
        if (timeout)
          timer = setTimeout(() => {
            timedOut = timeout.error();
            reject(timedOut);
          }, timeout.ms);
      });
      expired.catch(() => {});
      const browser = await Promise.race([this.getBrowser(), expired]);
      gone = this.gone!;
      const result = await Promise.race([
        (async () => {
          page = this.idle.pop();
          if (page && (page.isClosed() || !browser.connected)) page = undefined;
          page ??= await browser.newPage();
          if (setup && !this.prepared.has(page)) {
            await setup(page);
            this.prepared.add(page);
          }
          return fn(page);
        })(),
        gone,
        expired,
      ]);
      healthy = true;
      return result;
    } finally {
      clearTimeout(timer);
      if (timedOut) await this.replace(timedOut.message);
      await this.recycle(page, healthy, gone);
      this.releaseSlot();
    }
  }

  private async recycle(page: Page | undefined, healthy: boolean, gone?: Promise<never>) {
    this.rendersOnBrowser++;
    if (page && healthy && !page.isClosed()) {
      // The next render's setContent replaces the document; with JavaScript off nothing of
      // this one keeps running.
      this.idle.push(page);
    } else if (page && !page.isClosed()) {
      await Promise.race([page.close(), ...(gone ? [gone] : [])]).catch(() => {});
    }
    if (this.rendersOnBrowser >= this.restartAfter && this.active <= 1) {
      const old = this.browser;
      this.browser = undefined;
      this.idle = [];
      this.rendersOnBrowser = 0;
      this.options.logger?.info(`Restarting Chromium after ${this.restartAfter} renders`);
      await old?.then(b => b.close()).catch(() => {});
    }
  }

  async close() {
    const b = this.browser;
    this.browser = undefined;
    this.idle = [];
    await b?.then(x => x.close()).catch(() => {});
  }
}
