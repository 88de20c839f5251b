import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JsonObject } from '@backstage/types';
import { loadConfigSchema } from '@backstage/config-loader';
import type { ConfigCheck } from '@stacktalk/plugin-plugin-manager-common';

interface SchemaEntry {
  path: string;
  value: JsonObject;
  packageName?: string;
}

/** Turns config-loader's messages into dotted keys: "…must have required property 'x' { missingProperty=x } at /a/b" → a.b.x. */
export function missingKeysFromMessages(messages: string[]): { missing: string[]; other: string[] } {
  const missing: string[] = [];
  const other: string[] = [];
  for (const message of messages) {
    const match = /missingProperty=([^\s}]+).*? at (\S*)\s*$/.exec(message);
    if (match) {
      const parent = match[2].split('/').filter(Boolean).join('.');
      missing.push(parent ? `${parent}.${match[1]}` : match[1]);
    } else {
      other.push(message);
    }
  }
  return { missing: [...new Set(missing)].sort(), other };
}

/**
 * A missing key whose schema is an object with required properties stands for those: `pager`
 * missing entirely means `pager.routingKey` is what to add (recursively, to the leaves).
 */
export function expandMissingKey(schema: JsonObject, key: string): string[] {
  let node: any = schema;
  for (const part of key.split('.')) {
    node = node?.properties?.[part];
  }
  const required: unknown = node?.required;
  if (!Array.isArray(required) || required.length === 0) return [key];
  return required.flatMap(child => expandMissingKey(schema, `${key}.${child}`));
}

/** Validates one schema (as config-loader serializes it) against the current config. */
export async function checkAgainstSchema(schema: SchemaEntry, config: JsonObject): Promise<ConfigCheck> {
  const loaded = await loadConfigSchema({
    serialized: { backstageConfigSchemaVersion: 1, schemas: [schema as unknown as JsonObject] },
  });
  try {
    loaded.process([{ data: config, context: 'app' }], { visibility: ['frontend', 'backend', 'secret'] });
    return { state: 'complete', missingKeys: [], errors: [] };
  } catch (error) {
    const messages: string[] = (error as { messages?: string[] }).messages ?? [String((error as Error).message)];
    const found = missingKeysFromMessages(messages);
    const missing = [...new Set(found.missing.flatMap(key => expandMissingKey(schema.value, key)))].sort();
    const other = found.other;
    return { state: missing.length > 0 ? 'missing' : 'invalid', missingKeys: missing, errors: other };
  }
}

/**
 * Compiles the config schemas of the given packages (their `configSchema`, TypeScript or JSON;
 * one compilation for all) and validates each package's schema on its own against `config`.
 * Keyed by package name; a package without a schema is `no-schema`.
 */
export async function checkPackagesConfig(
  packages: Array<{ name: string; dir: string; configSchemaPath?: string }>,
  config: JsonObject,
): Promise<Map<string, ConfigCheck>> {
  const result = new Map<string, ConfigCheck>();
  const withSchema = packages.filter(p => p.configSchemaPath);
  for (const p of packages) {
    if (!p.configSchemaPath) result.set(p.name, { state: 'no-schema', missingKeys: [], errors: [] });
  }
  if (withSchema.length === 0) {
    return result;
  }
  const { entries, schemaErrors } = await compileSchemas(withSchema.map(p => path.join(p.dir, 'package.json')));
  for (const p of withSchema) {
    const entry = entries.find(e => e.packageName === p.name);
    if (!entry) {
      result.set(p.name, { state: 'invalid', missingKeys: [], errors: [`schema ${p.configSchemaPath} could not be compiled`, ...schemaErrors] });
      continue;
    }
    result.set(p.name, await checkAgainstSchema(entry, config));
  }
  return result;
}

/**
 * Backstage's config-loader compiles the TypeScript schemas (config.d.ts) with ts.createProgram,
 * synchronously: a backend doing it on its own thread answers nothing meanwhile, health probes
 * included (our 11 plugin schemas alone stalled the event loop 2.7 s; the whole backend's took
 * 15-25 s). A worker thread does it; the backend keeps answering.
 */
const COMPILE_SCHEMAS = `
const { parentPort, workerData } = require('node:worker_threads');
const { loadConfigSchema } = require(workerData.loader);
const schemaErrors = [];
loadConfigSchema({
  dependencies: [],
  packagePaths: workerData.packagePaths,
  excludePackageDependencies: true,
  onSchemaError: e => schemaErrors.push(e.message),
}).then(
  schema => parentPort.postMessage({ entries: schema.serialize().schemas ?? [], schemaErrors }),
  error => parentPort.postMessage({ error: String((error && error.stack) || error) }),
);
`;

function compileSchemas(packagePaths: string[]): Promise<{ entries: SchemaEntry[]; schemaErrors: string[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(COMPILE_SCHEMAS, {
      eval: true,
      workerData: { loader: require.resolve('@backstage/config-loader'), packagePaths },
    });
    worker.once('message', message => {
      if (message.error) reject(new Error(message.error));
      else resolve(message);
      worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', code => reject(new Error(`the config schema worker exited with ${code}`)));
  });
}
