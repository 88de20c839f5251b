import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type AppliedChanges, type ApplyingChanges, ChangeJournal, type PendingChange } from './journal';

/** Roles whose code runs in the backend: a failure to load them is seen at start. */
const BACKEND_ROLES = ['backend-plugin', 'backend-plugin-module'];

interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

function readJson(file: string): any | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Folders next to the dynamic plugins folder (never scanned by the dynamic feature service). */
export function sideFolders(dynamicPluginsDir: string) {
  return {
    staging: `${dynamicPluginsDir}.staging`,
    disabled: `${dynamicPluginsDir}.disabled`,
    backup: `${dynamicPluginsDir}.backup`,
  };
}

/**
 * Undoes the changes that add code (installs and enables), newest first: an install's folder is
 * removed and the version it replaced put back; an enabled plugin goes back to the disabled ones.
 * Disables and removals only take code out, so they stay. Returns whether anything put back needs
 * a start to load (a restored earlier version).
 */
export function undoChanges(dynamicPluginsDir: string, changes: PendingChange[]): { restored: boolean } {
  const { disabled } = sideFolders(dynamicPluginsDir);
  let restored = false;
  for (const change of [...changes].reverse()) {
    if (!change.folder) continue;
    const active = path.join(dynamicPluginsDir, change.folder);
    if (change.action === 'install') {
      fs.rmSync(active, { recursive: true, force: true });
      if (change.backup && fs.existsSync(change.backup)) {
        fs.renameSync(change.backup, active);
        restored = true;
      }
    } else if (change.action === 'enable' && fs.existsSync(active)) {
      fs.mkdirSync(disabled, { recursive: true });
      fs.rmSync(path.join(disabled, change.folder), { recursive: true, force: true });
      fs.renameSync(active, path.join(disabled, change.folder));
    }
  }
  return { restored };
}

/** The folder generation this process loaded (set by `prepareDynamicPluginsStart`). */
let loaded: number | undefined;
export function loadedGeneration(): number | undefined {
  return loaded;
}

function finish(journal: ChangeJournal, applying: ApplyingChanges, entry: Omit<AppliedChanges, 'id' | 'changes' | 'requestedAt' | 'requestedBy' | 'finishedAt'>) {
  journal.update(s => {
    if (s.applying?.id === applying.id) s.applying = undefined;
    // Live: what this process loaded is what every replica should run. Rolled back: the folder
    // is as it was (its generation moves on, the generation to run does not).
    if (entry.result === 'live' && loaded !== undefined) s.liveGeneration = loaded;
    if (entry.result === 'rolled-back') s.generation = (s.generation ?? 0) + 1;
    s.history.unshift({
      id: applying.id,
      changes: applying.changes,
      requestedAt: applying.requestedAt,
      requestedBy: applying.requestedBy,
      finishedAt: new Date().toISOString(),
      ...entry,
    });
  });
  if (entry.result === 'live') {
    for (const change of applying.changes) {
      if (change.backup) fs.rmSync(path.dirname(change.backup), { recursive: true, force: true });
    }
  }
}

/**
 * Before the dynamic feature service loads the folder (our backend's feature loader calls this):
 * changes made without a restart become the ones being applied; changes a start already failed
 * with (its error recorded by `recordStartFailure`), or that two starts did not get through, are
 * rolled back so this start runs what ran before.
 */
export function prepareDynamicPluginsStart(dynamicPluginsDir: string, log: Log) {
  const journal = new ChangeJournal(dynamicPluginsDir);
  journal.beginApply();
  prepareStart(journal, dynamicPluginsDir, log);
  loaded = journal.read().generation ?? 0;
}

function prepareStart(journal: ChangeJournal, dynamicPluginsDir: string, log: Log) {
  const applying = journal.read().applying;
  if (!applying) return;
  if (applying.startFailure || applying.starts >= 2) {
    const error = applying.startFailure ?? `the backend did not start ${applying.starts} times with these changes`;
    undoChanges(dynamicPluginsDir, applying.changes);
    finish(journal, applying, {
      result: 'rolled-back',
      error,
      plugins: applying.changes.filter(c => c.action === 'install' || c.action === 'enable').map(c => ({ package: c.package, answering: false })),
    });
    log.error(`Dynamic plugins: rolled back ${describe(applying.changes)}: ${error}`);
    return;
  }
  journal.update(s => {
    if (s.applying) s.applying.starts += 1;
  });
  log.info(`Dynamic plugins: starting with ${describe(applying.changes)} (start ${applying.starts + 1})`);
}

/** A start that failed (Backstage's startup error): the changes being applied are to blame. */
export function recordStartFailure(dynamicPluginsDir: string, error: unknown) {
  const journal = new ChangeJournal(dynamicPluginsDir);
  journal.update(s => {
    if (s.applying) s.applying.startFailure = String((error as Error)?.message ?? error).slice(0, 4000);
  });
}

function describe(changes: PendingChange[]): string {
  return changes.map(c => `${c.action} ${c.package}${c.version ? `@${c.version}` : ''}`).join(', ');
}

/** Why a bundle's plugin is not running: its entry point's own error when requiring it fails. */
export function loadError(dynamicPluginsDir: string, change: PendingChange): string {
  const dir = path.join(dynamicPluginsDir, change.folder ?? '');
  try {
    const req = createRequire(path.join(dir, 'package.json'));
    const entry = req(dir);
    const feature = entry?.default ?? entry;
    if (feature?.$$type !== '@backstage/BackendFeature') {
      return `${change.package}: its entry point's default export is not a backend feature`;
    }
    return `${change.package}: loaded, but registered no plugin the backend runs`;
  } catch (error) {
    return `${change.package} failed to load: ${(error as Error).message.split('\n')[0]}`;
  }
}

export interface ConfirmOptions {
  dynamicPluginsDir: string;
  log: Log;
  /** The plugin ids running in this backend. */
  runningPluginIds(): Promise<Set<string>>;
  /** Whether a plugin answers (its health route). */
  answers(pluginId: string): Promise<{ answering: boolean; detail?: string }>;
  /** Starts the backend again (after a rollback that put an earlier version back). */
  restart(): void;
}

/**
 * Once the backend has started (a startup hook): each backend plugin the changes added must be
 * running and answering; if one is not, all the changes are rolled back with its error, and the
 * backend restarts when an earlier version was put back. Otherwise the changes are live.
 */
export async function confirmDynamicPluginsStart(o: ConfirmOptions): Promise<AppliedChanges | undefined> {
  const journal = new ChangeJournal(o.dynamicPluginsDir);
  const applying = journal.read().applying;
  if (!applying) return undefined;
  const running = await o.runningPluginIds();
  const plugins: AppliedChanges['plugins'] = [];
  const errors: string[] = [];
  for (const change of applying.changes) {
    if ((change.action !== 'install' && change.action !== 'enable') || !change.folder) continue;
    const pkg = readJson(path.join(o.dynamicPluginsDir, change.folder, 'package.json'));
    const role = pkg?.backstage?.role ?? change.role;
    const pluginId: string | undefined = pkg?.backstage?.pluginId;
    if (!BACKEND_ROLES.includes(role)) {
      // A frontend remote: listed by the dynamic feature service once its folder is there.
      plugins.push({ package: change.package, pluginId, answering: Boolean(pkg), detail: 'frontend remote: reload the app to load it' });
      continue;
    }
    if (!pluginId || !running.has(pluginId)) {
      const error = loadError(o.dynamicPluginsDir, change);
      errors.push(error);
      plugins.push({ package: change.package, pluginId, answering: false, detail: error });
      continue;
    }
    if (role === 'backend-plugin') {
      const { answering, detail } = await o.answers(pluginId);
      plugins.push({ package: change.package, pluginId, answering, detail });
      if (!answering) errors.push(`${change.package}: plugin ${pluginId} does not answer (${detail})`);
    } else {
      plugins.push({ package: change.package, pluginId, answering: true, detail: `module of ${pluginId}` });
    }
  }
  if (errors.length > 0) {
    const { restored } = undoChanges(o.dynamicPluginsDir, applying.changes);
    const frontendRolledBack = plugins.some(p => p.detail?.startsWith('frontend'));
    finish(journal, applying, { result: 'rolled-back', error: errors.join('; '), plugins });
    o.log.error(`Dynamic plugins: rolled back ${describe(applying.changes)}: ${errors.join('; ')}`);
    if (restored || frontendRolledBack) {
      o.log.warn('Dynamic plugins: restarting to load what ran before the changes');
      o.restart();
    }
  } else {
    finish(journal, applying, { result: 'live', plugins });
    o.log.info(`Dynamic plugins: live: ${describe(applying.changes)}`);
  }
  return journal.read().history[0];
}
