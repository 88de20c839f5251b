// The two-replica test (scripts/two-replicas.sh runs it): the built backend on :7101 and :7102,
// one PostgreSQL database and one Redis, Debian's Nginx on :7100. Prints one line per check and
// `N passed, N failed`; exit 1 when a check failed.
//   node scripts/two-replicas/driver.mjs BUILT_DIR DATABASE WORK_DIR
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import Redis from 'ioredis';
import { Replica, sleep, startNginx, waitFor } from './replicas.mjs';

const [builtDir, database, workDir] = process.argv.slice(2);
const ROOT = new URL('../..', import.meta.url).pathname;
const NGINX = 'http://127.0.0.1:7100';
const ENTITY = 'component:default/stacktalk-portal';
const configs = ['app-config.yaml', 'app-config.production.yaml',
  `${ROOT}scripts/two-replicas/app-config.two-replicas.yaml`, `${workDir}/database.yaml`, `${workDir}/catalog.yaml`];
// A Redis Stream of the local Redis for the stream viewer check, in the catalog as a Resource
// (the production config's locations, and this test's).
const STREAM_KEY = `stacktalk:two-replicas:${process.pid}`;
const STREAM_ENTITY = 'resource:default/two-replicas-stream';
fs.writeFileSync(`${workDir}/stream.yaml`, `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: two-replicas-stream
  annotations:
    stacktalk.io/redis-instance: stacktalk-cache
    stacktalk.io/redis-stream: "${STREAM_KEY}"
    stacktalk.io/stream-fields: "$.n"
spec: { type: redis-stream, owner: group:default/platform, lifecycle: production }
`);
fs.writeFileSync(`${workDir}/catalog.yaml`, `catalog:
  locations:
    - { type: file, target: ./catalog-info.yaml }
    - { type: file, target: ${process.env.CATALOG_ORG_LOCATION}, rules: [{ allow: [User, Group] }] }
    - { type: file, target: ${workDir}/stream.yaml }
`);
const db = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${database}` });
const results = [];
const check = (name, passed, detail) => {
  results.push(passed);
  process.stdout.write(`${passed ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
};

async function signIn() {
  const res = await fetch(`${NGINX}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

async function api(token, method, url, body) {
  const res = await fetch(`${NGINX}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Reports asked through Nginx (round robin: both replicas take some) render exactly once. */
async function reportsExactlyOnce(token) {
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const job = await api(token, 'POST', '/api/reports/reports', { entityRef: ENTITY, template: 'service-overview', format: 'A4' });
    ids.push(job.id);
  }
  await waitFor('reports finished', async () => {
    const { rows } = await db.query(`select count(*)::int n from reports.report_jobs where id = any($1) and status in ('done','failed')`, [ids]);
    return rows[0].n === ids.length;
  }, 240_000);
  const { rows } = await db.query(
    `select j.id, j.status, j.attempts, (select count(*)::int from reports.report_files f where f.job_id = j.id) files
       from reports.report_jobs j where j.id = any($1)`, [ids]);
  const bad = rows.filter(r => r.status !== 'done' || r.attempts !== 1 || r.files !== 1);
  check('reports render exactly once', bad.length === 0,
    bad.length ? `not once: ${JSON.stringify(bad)}` : `${rows.length} jobs, each done, claimed once, one PDF`);
}

/**
 * A stream viewer through Nginx: reads the live view's server-sent events and, when the
 * connection drops, reconnects through Nginx as the UI does (0.5 s, doubling to 10 s).
 */
function streamViewer(token, name) {
  const viewer = { name, snapshots: [], drops: [], connects: 0, stopped: false };
  const url = `${NGINX}/api/stream-viewer/streams/live?${new URLSearchParams({ entityRef: STREAM_ENTITY, window: '300000', start: 'minutes:5' })}`;
  viewer.done = (async () => {
    let backoff = 500;
    while (!viewer.stopped) {
      viewer.controller = new AbortController();
      try {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: viewer.controller.signal });
        if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
        viewer.connects += 1;
        let buffer = '';
        for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!/^event: snapshot$/m.test(block)) continue;
            const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
            const snapshot = JSON.parse(data);
            viewer.snapshots.push({ received: Date.now(), connection: viewer.connects, messages: snapshot.totals?.messages ?? 0, state: snapshot.connection?.state });
            if (viewer.snapshots.length > 2000) viewer.snapshots.splice(0, 1000);
            backoff = 500;
          }
        }
        if (!viewer.stopped) viewer.drops.push({ at: Date.now(), reason: 'the portal closed the connection' });
      } catch (e) {
        if (viewer.stopped) break;
        viewer.drops.push({ at: Date.now(), reason: e.message });
      }
      await sleep(backoff);
      backoff = Math.min(10_000, backoff * 2);
    }
  })();
  viewer.stop = async () => {
    viewer.stopped = true;
    viewer.controller?.abort();
    await viewer.done;
  };
  return viewer;
}

/**
 * A replica killed (SIGKILL) while it renders a report job and serves stream viewers: the other
 * replica takes the job over once its lease runs out (the test overlay: 10 s) and renders the
 * jobs the dead replica held for their requesters after their hold (20 s), one PDF each; a
 * viewer on the dead replica reconnects through Nginx and gets data again, the history of the
 * window included (read again from Redis by the other replica). Restarts the killed replica.
 */
async function replicaKilledMidJob(token) {
  const redis = new Redis(process.env.REDIS_URL);
  let n = 0;
  const produce = async () => redis.xadd(STREAM_KEY, 'MAXLEN', '~', '10000', '*', 'n', String(++n), 'route', '/api/two-replicas');
  for (let i = 0; i < 20; i++) await produce();
  const producer = setInterval(() => produce().catch(() => {}), 200);
  // Two viewers, opened one after the other: Nginx's round robin puts them on different replicas.
  const viewers = [streamViewer(token, 'viewer-1')];
  await sleep(300);
  viewers.push(streamViewer(token, 'viewer-2'));
  try {
    await waitFor('both viewers get snapshots with messages', async () =>
      viewers.every(v => v.snapshots.some(s => s.messages > 0)), 60_000);
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await api(token, 'POST', '/api/reports/reports', { entityRef: ENTITY, template: 'service-overview', format: 'A4' })).id);
    }
    let victim;
    let victimJob;
    await waitFor('a report job rendering', async () => {
      const { rows } = await db.query(`select id, claimed_by from reports.report_jobs where id = any($1) and status = 'rendering' and claimed_by is not null`, [ids]);
      for (const row of rows) {
        const pid = Number(row.claimed_by.split('/')[1]);
        victim = replicas.find(r => r.proc.pid === pid);
        if (victim) {
          victimJob = row.id;
          return true;
        }
      }
      return false;
    }, 60_000);
    const survivor = replicas.find(r => r !== victim);
    const producedBeforeKill = n;
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    process.stdout.write(`  killed ${victim.name} (SIGKILL) while it rendered report ${victimJob}\n`);

    await waitFor('the reports after the kill finished', async () => {
      const { rows } = await db.query(`select count(*)::int n from reports.report_jobs where id = any($1) and status in ('done','failed')`, [ids]);
      return rows[0].n === ids.length;
    }, 180_000);
    const finishedAfter = (Date.now() - killedAt) / 1000;
    const { rows } = await db.query(
      `select j.id, j.status, j.attempts, j.claimed_by, (select count(*)::int from reports.report_files f where f.job_id = j.id) files
         from reports.report_jobs j where j.id = any($1)`, [ids]);
    const onSurvivor = row => Number(String(row.claimed_by ?? '').split('/')[1]) === survivor.proc.pid || row.claimed_by === null;
    const taken = rows.find(r => r.id === victimJob);
    const bad = rows.filter(r => r.status !== 'done' || r.files !== 1);
    check('a replica killed mid-job: the other finishes it, one PDF each', bad.length === 0 && taken.attempts === 2 && onSurvivor(taken),
      `${rows.length} jobs done with one PDF each: ${bad.length ? `no: ${JSON.stringify(bad)}` : 'yes'}; the killed job: attempts ${taken.attempts
      } (want 2), finished by ${taken.claimed_by === null ? '?' : onSurvivor(taken) ? survivor.name : 'the killed replica'}; all finished ${finishedAfter.toFixed(1)} s after the kill (lease 10 s, hold 20 s)`);

    // The viewers: the one(s) on the killed replica dropped, and got data again within 60 s.
    await waitFor('dropped viewers get data again', async () => viewers.every(v =>
      !v.drops.some(d => d.at >= killedAt) || v.snapshots.some(s => s.received > killedAt && s.connection > 1 && s.messages > producedBeforeKill)), 60_000)
      .catch(() => {});
    const dropped = viewers.filter(v => v.drops.some(d => d.at >= killedAt));
    const details = dropped.map(v => {
      const back = v.snapshots.find(s => s.received > killedAt && s.connection > 1 && s.messages > producedBeforeKill);
      return { v, back, text: `${v.name}: dropped (${v.drops.find(d => d.at >= killedAt).reason}), ${back
        ? `new data via ${survivor.name} after ${((back.received - killedAt) / 1000).toFixed(1)} s, ${back.messages} messages in the window (the ${producedBeforeKill} before the kill included)`
        : 'no new data within 60 s'}` };
    });
    check('stream viewers through Nginx survive their replica being killed', dropped.length >= 1 && details.every(d => d.back),
      dropped.length ? details.map(d => d.text).join('; ') : 'no viewer was on the killed replica (Nginx put both on the other): nothing shown');
    process.stdout.write(`  restarting ${victim.name}\n`);
    process.stdout.write(`  ${victim.name} ready after ${((await victim.start()) / 1000).toFixed(1)} s\n`);
  } finally {
    clearInterval(producer);
    await Promise.all(viewers.map(v => v.stop()));
    await redis.del(STREAM_KEY).catch(() => {});
    redis.disconnect();
  }
}

/**
 * Writes racing through both replicas: 8 writers each try to create the same secret (expected
 * version 0), then 3 rounds where every writer updates from the version it read. Check-and-set
 * must let exactly one writer win each round, keep every winning version, and audit each once.
 */
async function secretsRace(token) {
  const base = '/api/secrets/entities/component/default/stacktalk-portal/environments/development/secrets/RACE_TOKEN';
  const put = async (value, expectedVersion) => {
    const res = await fetch(`${NGINX}${base}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value, expectedVersion }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const wins = [];
  const statuses = new Set();
  for (let round = 0; round < 4; round++) {
    const codes = await Promise.all(Array.from({ length: 8 }, (_, w) => put(`r${round}-w${w}`, round)));
    codes.forEach(c => statuses.add(c));
    wins.push(codes.filter(c => c >= 200 && c < 300).length);
  }
  const versions = await db.query(`select count(*)::int n from secrets.secret_versions where name = 'RACE_TOKEN'`);
  const audits = await db.query(`select count(*)::int n from secrets.secret_audit where name = 'RACE_TOKEN' and action = 'write' and outcome = 'allowed'`);
  const passed = wins.every(w => w === 1) && versions.rows[0].n === 4 && audits.rows[0].n === 4;
  check('secrets writes racing through both replicas', passed,
    `winners per round ${wins.join(',')} (statuses ${[...statuses].join('/')}), ${versions.rows[0].n} versions, ${audits.rows[0].n} write audit rows (want 1,1,1,1 / 4 / 4)`);
}

/** How many lines of the replicas' first logs contain `text`, per replica. */
const logCounts = text => ['a', 'b'].map(r =>
  fs.readFileSync(`${workDir}/replica-${r}-1.log`, 'utf8').split('\n').filter(l => l.includes(text)).length);

/** Start times of a scheduled task over both replicas (its "run started" log line), sorted. */
const starts = task => replicas
  .flatMap(r => r.lines.filter(l => l.line.includes(`Scheduled task ${task}: run started`)).map(l => ({ at: l.at, on: r.name.slice(-1) })))
  .sort((x, y) => x.at - y.at);

/**
 * Scheduled work runs once across the replicas. Both replicas register each task; Backstage's
 * scheduler locks each run in the database. Counted from the tasks' "run started" log lines: at
 * most one start per period since the first replica started, and no two starts of a task closer
 * than half its period (a run on each replica for the same slot would start within a second or
 * so). And Nginx spread the requests above over both replicas.
 */
async function scheduledOnceAndSpread() {
  const seconds = (Date.now() - firstStartedAt) / 1000;
  for (const [task, period] of [['techdocs-warmup', 15], ['secrets-rewrap', 15], ['reports-schedules', 60]]) {
    const registered = logCounts(`Registered scheduled task: ${task}`);
    const runs = starts(task);
    const gaps = runs.slice(1).map((r, i) => (r.at - runs[i].at) / 1000);
    const most = Math.floor(seconds / period) + 1;
    const minGap = gaps.length ? Math.min(...gaps) : Infinity;
    check(`scheduled task ${task} runs once across replicas`,
      registered.every(n => n === 1) && runs.length >= 1 && runs.length <= most && minGap >= period / 2,
      `registered on a/b ${registered.join('/')}; ${runs.length} starts (on ${runs.map(r => r.on).join('')}) in ${seconds.toFixed(0)
      } s of ${period} s periods (want 1 to ${most}); closest starts ${minGap === Infinity ? '-' : `${minGap.toFixed(1)} s`} apart (want >= ${period / 2})`);
  }
  const reports = logCounts('POST /api/reports/reports');
  const secrets = logCounts('PUT /api/secrets/');
  check('requests reached both replicas', [...reports, ...secrets].every(n => n > 0),
    `report requests a/b ${reports.join('/')}, secret writes a/b ${secrets.join('/')}`);
}

/**
 * Catalog processing once across replicas, checked at the end of the run (entities are claimed
 * every 100-150 s: a few minutes show each more than once).
 */
async function catalogProcessedOnce() {
  const { rows } = await db.query(`select entity_ref, count(*)::int claims, count(*) filter (where not was_due)::int early,
      extract(epoch from min(gap))::float min_gap from (
        select r.entity_ref, c.was_due, c.at - lag(c.at) over (partition by c.entity_id order by c.at) gap
          from public.catalog_claims c join catalog.refresh_state r using (entity_id)) g
      group by entity_ref`);
  const claims = rows.reduce((n, r) => n + r.claims, 0);
  const early = rows.filter(r => r.early > 0);
  const repeated = rows.filter(r => r.claims > 1).length;
  const closest = rows.filter(r => r.min_gap !== null).sort((x, y) => x.min_gap - y.min_gap)[0];
  check('catalog processing once across replicas', repeated > 0 && early.length === 0,
    `${claims} processing claims of ${rows.length} entities, ${repeated} of them claimed more than once (want > 0); claims of an entity not due (already claimed by the other replica): ${
      early.length ? early.map(r => `${r.entity_ref} ×${r.early}`).join(', ') : 'none'}; closest two claims of one entity ${
      closest ? `${closest.min_gap.toFixed(1)} s apart (${closest.entity_ref}; re-queued in between, e.g. by its location's processing)` : '-'}`);
}

/**
 * Counts the catalog's processing claims: Backstage's processing loop claims due entities by
 * moving their refresh_state.next_update_at one processing interval ahead (in a locked select).
 * A trigger records each claim and whether the entity was due then. A claim of an entity that
 * was not due means it was claimed again while another claim held it (processed twice); an
 * entity claimed twice in a short time after being re-queued in between (its next_update_at
 * set to now, e.g. when its location is processed again) is legitimate.
 */
async function countCatalogClaims() {
  await db.query(`create table public.catalog_claims (entity_id text not null, was_due boolean not null, at timestamptz not null default clock_timestamp());
    create function public.catalog_claim() returns trigger language plpgsql as $$ begin
      if new.next_update_at is distinct from old.next_update_at and new.next_update_at > now() + interval '30 seconds' then
        insert into public.catalog_claims (entity_id, was_due) values (new.entity_id, old.next_update_at <= clock_timestamp());
      end if;
      return new;
    end $$;
    create trigger catalog_claims after update on catalog.refresh_state for each row execute function public.catalog_claim();`);
}

/**
 * Steady load through Nginx while both replicas restart one after the other, taken out of Nginx's
 * upstreams before they stop and put back once ready (what Kubernetes does with a rolling update).
 */
async function rollingRestart(token, replicas, nginx) {
  const urls = [
    '/api/catalog/entities/by-name/component/default/stacktalk-portal',
    '/api/catalog/entities?limit=20',
    '/',
    `/api/techdocs/metadata/entity/default/component/stacktalk-portal`,
    `/api/reports/templates?entityRef=${encodeURIComponent(ENTITY)}`,
    `/api/reports/reports?entityRef=${encodeURIComponent(ENTITY)}`,
  ];
  let requests = 0;
  const failures = [];
  let running = true;
  const worker = async w => {
    for (let i = w; running; i++) {
      const url = urls[i % urls.length];
      requests += 1;
      try {
        const res = await fetch(`${NGINX}${url}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (!res.ok) failures.push(`${res.status} ${url}`);
      } catch (e) {
        failures.push(`${e.message} ${url}`);
      }
      await sleep(50);
    }
  };
  const load = [0, 1, 2, 3].map(worker);
  await sleep(3000);
  const upstream = r => `127.0.0.1:${r.port}`;
  for (const r of replicas) {
    await nginx.setUpstreams(replicas.filter(o => o !== r).map(upstream));
    await r.stop('SIGTERM');
    const ms = await r.start();
    await nginx.setUpstreams(replicas.map(upstream));
    process.stdout.write(`  ${r.name} restarted, ready after ${(ms / 1000).toFixed(1)} s\n`);
    await sleep(3000);
  }
  running = false;
  await Promise.all(load);
  check('rolling restart under load', failures.length === 0,
    `${requests} requests, ${failures.length} failed${failures.length ? `: ${[...new Set(failures)].slice(0, 5).join('; ')}` : ''}`);
}

/**
 * A plugin change reaching both replicas one at a time (issue 26): both share the dynamic plugins
 * folder (STACKTALK_DYNAMIC_PLUGINS_DIR). An admin makes the change on replica A through the
 * Plugins page's routes: the example runbook backend uploaded as a bundle, then POST /restart
 * (A ends gracefully, bounded by its grace period, and its runner starts it again). Then, on
 * their own: A confirms it live, B sees it runs an older set and restarts once, after A is back;
 * never both down; requests through Nginx keep answering; both serve the new plugin.
 */
async function pluginChangeRollsThrough(token, [a, b], nginx) {
  const dir = process.env.STACKTALK_DYNAMIC_PLUGINS_DIR;
  const journalFile = `${dir}.journal.json`;
  // The admin's upload, as the Plugins page sends it, to replica A (the page may reach either):
  // the example runbook backend packed as a .tgz with its SHA-512.
  execFileSync('tar', ['-czf', `${workDir}/runbook-backend.tgz`, '-C', `${ROOT}examples/dynamic-plugins`,
    '--transform', 's,^runbook-backend,stacktalk-examples-plugin-runbook-backend,', 'runbook-backend']);
  const tgz = fs.readFileSync(`${workDir}/runbook-backend.tgz`);
  const integrity = `sha512-${crypto.createHash('sha512').update(tgz).digest('base64')}`;
  const upload = await fetch(`${a.url}/api/plugin-manager/bundles?integrity=${encodeURIComponent(integrity)}`, {
    method: 'POST', body: tgz, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } });
  if (upload.status !== 200) throw new Error(`uploading the runbook bundle to A: ${upload.status} ${(await upload.text()).slice(0, 300)}`);
  const started = Date.now();
  const answers = async (r, url) => fetch(`${r.url}${url}`, { signal: AbortSignal.timeout(2000) }).then(res => res.ok, () => false);
  const samples = [];
  let watching = true;
  // As Kubernetes does with a Service's endpoints (readiness probe): Nginx sends requests only to
  // the replicas that are ready. A starting replica answers 404 until its plugins are up.
  // Each replica probed on its own (a slow answer of one does not delay noticing the other stop).
  const up = { a: true, b: true };
  let inNginx = 'ab';
  let reloading = Promise.resolve();
  const probe = async (r, key) => {
    while (watching) {
      up[key] = await answers(r, '/.backstage/health/v1/readiness');
      const ready = `${up.a ? 'a' : ''}${up.b ? 'b' : ''}`;
      if (ready && ready !== inNginx) {
        inNginx = ready;
        reloading = reloading.then(() => nginx.setUpstreams([up.a && a, up.b && b].filter(Boolean).map(x => `127.0.0.1:${x.port}`)));
      }
      await sleep(250);
    }
  };
  const sampler = (async () => {
    while (watching) {
      samples.push({ at: Date.now(), upA: up.a, upB: up.b });
      await sleep(250);
    }
  })();
  const watch = Promise.all([probe(a, 'a'), probe(b, 'b'), sampler]).then(async () => {
    await reloading;
    await nginx.setUpstreams([a, b].map(r => `127.0.0.1:${r.port}`));
  });
  let requests = 0;
  const failures = [];
  const load = (async () => {
    while (watching) {
      requests += 1;
      const res = await fetch(`${NGINX}/api/catalog/entities/by-name/component/default/stacktalk-portal`,
        { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) }).catch(e => ({ ok: false, status: e.message }));
      if (!res.ok) failures.push(`${res.status} at +${((Date.now() - started) / 1000).toFixed(1)} s`);
      await sleep(200);
    }
  })();

  const bRestartsBefore = b.selfRestarts.length;
  // Apply, as the page does right after the upload: A ends gracefully and is started again.
  const restart = await fetch(`${a.url}/api/plugin-manager/restart`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (restart.status !== 202) throw new Error(`POST /restart on A: ${restart.status} ${(await restart.text()).slice(0, 300)}`);
  let both = false;
  try {
    await waitFor('both replicas serve the runbook plugin', async () =>
      (await answers(a, '/api/runbook/.backstage/auth/v1/jwks.json')) && (await answers(b, '/api/runbook/.backstage/auth/v1/jwks.json')), 480_000);
    both = true;
  } catch (e) {
    process.stdout.write(`  ${e.message}\n`);
  }
  await sleep(2000);
  watching = false;
  await Promise.all([watch, load]);
  const end = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
  const aRestarts = a.selfRestarts.filter(r => r.at >= started);
  const aReady = aRestarts.length === 1 ? aRestarts[0].readyAt : undefined;
  const bRestart = b.selfRestarts.slice(bRestartsBefore);
  const bothDown = samples.filter(x => !x.upA && !x.upB).length;
  const passed = both && end.history?.[0]?.result === 'live' && bRestart.length === 1 &&
    aReady !== undefined && bRestart[0].at > aReady && bothDown === 0 && failures.length === 0;
  check('a plugin change reaches both replicas, one at a time', passed,
    `A applied it and was ready after ${((aReady ?? NaN) - started) / 1000} s; B restarted on its own ${bRestart.length} time(s), ` +
    `${((bRestart[0]?.at ?? NaN) - (aReady ?? NaN)) / 1000} s after A was ready, ready again after ${((bRestart[0]?.readyAt ?? NaN) - started) / 1000} s; ` +
    `both down in ${bothDown} of ${samples.length} samples; ${requests} requests through Nginx, ${failures.length} failed${failures.length ? ` (${failures.slice(0, 5).join(', ')})` : ''}; ` +
    `journal: ${end.history?.[0]?.result}${end.history?.[0]?.error ? ` (${end.history[0].error.slice(0, 300)})` : ''}, replicas ${Object.keys(end.replicas ?? {}).join(', ')}; ` +
    `A's starts: ${aRestarts.map(r => `${r.reason}${r.error ? ` (${r.error})` : ''}`).join(', ') || 'none'}`);
  if (!passed) {
    // What the replicas said since the change: the errors in the logs of each of their processes.
    for (const log of new Set([...aRestarts.map(r => r.log), a.logFile, ...bRestart.map(r => r.log), b.logFile])) {
      const errors = fs.readFileSync(log, 'utf8').split('\n').filter(l => /error|fail/i.test(l)).slice(-8);
      process.stdout.write(`  ${log}:\n${errors.map(l => `    ${l.slice(0, 400)}`).join('\n')}\n`);
    }
  }
}

const replicas = [7101, 7102].map((port, i) =>
  new Replica({ name: `replica-${'ab'[i]}`, port, builtDir, configs, workDir }));
let nginx;
const firstStartedAt = Date.now();
try {
  await db.connect();
  // One at a time the first time: the first runs the migrations.
  for (const r of replicas) {
    const ms = await r.start();
    process.stdout.write(`  ${r.name} ready after ${(ms / 1000).toFixed(1)} s (first HTTP answer after ${((r.liveMs ?? ms) / 1000).toFixed(1)} s)\n`);
    if (r === replicas[0]) await countCatalogClaims(); // after the first replica's migrations
  }
  nginx = await startNginx({ port: 7100, upstreams: replicas.map(r => `127.0.0.1:${r.port}`), workDir });
  const token = await signIn();
  await waitFor('the catalog has processed catalog-info.yaml', async () => {
    const res = await fetch(`${NGINX}/api/catalog/entities/by-name/component/default/stacktalk-portal`,
      { headers: { authorization: `Bearer ${token}` } });
    return res.ok;
  }, 180_000);
  await reportsExactlyOnce(token);
  await secretsRace(token);
  await replicaKilledMidJob(token);
  await sleep(Math.max(0, 75_000 - (Date.now() - replicas[1].startedAt))); // B's life long enough to tell
  await scheduledOnceAndSpread();
  await rollingRestart(token, replicas, nginx);
  await catalogProcessedOnce();
  await pluginChangeRollsThrough(token, replicas, nginx);
} catch (e) {
  check('two-replica run', false, e.stack ?? String(e));
} finally {
  nginx?.stop();
  await Promise.all(replicas.map(r => r.stop('SIGTERM')));
  await db.end().catch(() => {});
}
const passed = results.filter(Boolean).length;
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exit(results.every(Boolean) ? 0 : 1);
