// The two-replica test (scripts/two-replicas.sh runs it): the built backend on :7101 and :7102,
// one PostgreSQL database and one Redis, Debian's Nginx on :7100. Prints one line per check and
// `N passed, N failed`; exit 1 when a check failed.
//   node scripts/two-replicas/driver.mjs BUILT_DIR DATABASE WORK_DIR
import fs from 'node:fs';
import pg from 'pg';
import { Replica, sleep, startNginx, waitFor } from './replicas.mjs';

const [builtDir, database, workDir] = process.argv.slice(2);
const ROOT = new URL('../..', import.meta.url).pathname;
const NGINX = 'http://127.0.0.1:7100';
const ENTITY = 'component:default/stacktalk-portal';
const configs = ['app-config.yaml', 'app-config.production.yaml',
  `${ROOT}scripts/two-replicas/app-config.two-replicas.yaml`, `${workDir}/database.yaml`];
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

/**
 * Scheduled work runs once across the replicas: the TechDocs warm-up (every 15 s in the test
 * overlay) is registered on both, and runs at most once per 15 s slot since replica A started,
 * counted over both replicas. A weak check: the log says when a run ends, not when it starts,
 * and a run takes several seconds here, so a task run on each replica could stay under the
 * bound. And Nginx spread the requests above over both replicas.
 */
function scheduledOnceAndSpread() {
  const registered = logCounts('Registered scheduled task: techdocs-warmup');
  const runs = replicas.flatMap(r => r.lines
    .filter(l => l.line.includes('TechDocs for component:default/stacktalk-portal:')) // any outcome
    .map(() => r.name.slice(-1)));
  const seconds = (Date.now() - replicas[0].startedAt) / 1000;
  const most = Math.floor(seconds / 15) + 1;
  check('scheduled work runs once across replicas',
    registered.every(n => n === 1) && runs.length >= 1 && runs.length <= most,
    `techdocs-warmup registered on a/b ${registered.join('/')}; ${runs.length} runs (on ${runs.sort().join('')}) in ${
      seconds.toFixed(0)} s of 15 s slots (want 1 to ${most})`);
  const reports = logCounts('POST /api/reports/reports');
  const secrets = logCounts('PUT /api/secrets/');
  check('requests reached both replicas', [...reports, ...secrets].every(n => n > 0),
    `report requests a/b ${reports.join('/')}, secret writes a/b ${secrets.join('/')}`);
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

const replicas = [7101, 7102].map((port, i) =>
  new Replica({ name: `replica-${'ab'[i]}`, port, builtDir, configs, workDir }));
let nginx;
try {
  await db.connect();
  // One at a time the first time: the first runs the migrations.
  for (const r of replicas) process.stdout.write(`  ${r.name} ready after ${((await r.start()) / 1000).toFixed(1)} s\n`);
  nginx = await startNginx({ port: 7100, upstreams: replicas.map(r => `127.0.0.1:${r.port}`), workDir });
  const token = await signIn();
  await waitFor('the catalog has processed catalog-info.yaml', async () => {
    const res = await fetch(`${NGINX}/api/catalog/entities/by-name/component/default/stacktalk-portal`,
      { headers: { authorization: `Bearer ${token}` } });
    return res.ok;
  }, 180_000);
  await reportsExactlyOnce(token);
  await secretsRace(token);
  await sleep(Math.max(0, 75_000 - (Date.now() - replicas[1].startedAt))); // B's life long enough to tell
  scheduledOnceAndSpread();
  await rollingRestart(token, replicas, nginx);
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
