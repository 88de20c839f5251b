import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The plugin packages as publishable npm packages (issue 25): every family another Backstage app
// can install is public, has the metadata backstage-cli and a stock app rely on, ships its config
// schema and migrations, and depends on no portal part (only other families' -common and -node
// libraries). scripts/pack-plugins.sh builds and packs them and checks each tarball's file list.
const ROOT = resolve(__dirname, '../../../..');

/** Families that must be publishable (their folders under plugins/). */
const FAMILIES = ['stream-viewer', 'reports', 'secrets', 'ci-status', 'exceldna'];
const MODULES = ['auth-backend-module-keycloak-js-provider', 'permission-backend-module-stacktalk-policy'];
/** Portal parts that stay private (plugins/README.md says so). */
const PORTAL_PARTS = [
  'portal-status-backend',
  'techdocs-warmup-backend',
  'search-backend-module-stacktalk',
  'auth-backend-module-example-users-provider',
  'plugin-manager',
  'plugin-manager-backend',
  'plugin-manager-common',
];

interface Pkg {
  name: string;
  private?: boolean;
  license?: string;
  main?: string;
  types?: string;
  homepage?: string;
  repository?: { type: string; url: string; directory: string };
  backstage?: { role?: string; pluginId?: string; pluginPackages?: string[]; pluginPackage?: string };
  publishConfig?: Record<string, string>;
  exports?: Record<string, string>;
  files?: string[];
  configSchema?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const folders = readdirSync(join(ROOT, 'plugins'), { withFileTypes: true })
  .filter(e => e.isDirectory() && existsSync(join(ROOT, 'plugins', e.name, 'package.json')))
  .map(e => e.name)
  .sort();
const pkgOf = (dir: string): Pkg => JSON.parse(read(`plugins/${dir}/package.json`));
const familyDirs = folders.filter(d => FAMILIES.some(f => d === f || d.startsWith(`${f}-`)));
const publishable = folders.filter(d => !pkgOf(d).private);

/** Non-test TypeScript sources of a package. */
function sources(dir: string): string[] {
  const base = join(ROOT, 'plugins', dir, 'src');
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && /\.tsx?$/.test(e.name))
    .map(e => join(e.parentPath, e.name))
    .filter(f => !/\.test\.tsx?$|setupTests\.ts$|(^|\/)__(testUtils|tests|fixtures|mocks)__\//.test(f));
}

// The problems of one package.json; the tests below assert each list is empty, so a failure
// names every problem at once.
function problems(dir: string, pkg: Pkg, all: Map<string, Pkg>): string[] {
  const out: string[] = [];
  const role = pkg.backstage?.role ?? '';
  const esm = ['frontend-plugin', 'frontend-plugin-module', 'web-library'].includes(role);
  const frontend = role.startsWith('frontend-');
  if (pkg.private) out.push('"private": true');
  if (!pkg.license) out.push('no license');
  if (pkg.name !== `@stacktalk/plugin-${dir}`) out.push(`name ${pkg.name}`);
  const roles = ['frontend-plugin', 'frontend-plugin-module', 'web-library', 'common-library', 'node-library', 'backend-plugin', 'backend-plugin-module'];
  if (!roles.includes(role)) out.push(`backstage.role ${role || 'missing'}`);
  const suffixRoles: [RegExp, string][] = [
    [/-common$/, 'common-library'],
    [/-node$/, 'node-library'],
    [/-backend$/, 'backend-plugin'],
    [/-backend-module-/, 'backend-plugin-module'],
  ];
  const expectedRole = suffixRoles.find(([re]) => re.test(dir))?.[1] ?? 'frontend-plugin';
  if (role !== expectedRole) out.push(`backstage.role ${role}, expected ${expectedRole} for plugins/${dir}`);
  if (!pkg.backstage?.pluginId) out.push('no backstage.pluginId');
  if (role.endsWith('-module')) {
    if (!pkg.backstage?.pluginPackage) out.push('no backstage.pluginPackage');
  } else {
    const family = FAMILIES.find(f => dir === f || dir.startsWith(`${f}-`));
    const expected = folders.filter(d => family && (d === family || d.startsWith(`${family}-`))).map(d => `@stacktalk/plugin-${d}`);
    if (JSON.stringify(pkg.backstage?.pluginPackages ?? []) !== JSON.stringify(expected)) {
      out.push(`backstage.pluginPackages ${JSON.stringify(pkg.backstage?.pluginPackages)}, expected ${JSON.stringify(expected)}`);
    }
  }
  // Built entry points: what prepack and a consumer's bundler/Node resolve.
  const pc = pkg.publishConfig ?? {};
  if (pc.main !== (esm ? 'dist/index.esm.js' : 'dist/index.cjs.js')) out.push(`publishConfig.main ${pc.main}`);
  if (pc.types !== 'dist/index.d.ts') out.push(`publishConfig.types ${pc.types}`);
  if ((esm || role === 'common-library') && pc.module !== 'dist/index.esm.js') out.push(`publishConfig.module ${pc.module}`);
  for (const [mount, target] of Object.entries(pkg.exports ?? {})) {
    if (!existsSync(join(ROOT, 'plugins', dir, target))) out.push(`exports["${mount}"] → ${target}: no such file`);
    if (/__testUtils__|\.test\./.test(target)) out.push(`exports["${mount}"] → ${target}: test code`);
  }
  // Shipped files.
  const files = pkg.files ?? [];
  if (!files.includes('dist')) out.push('files without dist');
  for (const f of files) {
    if (/^src(\/|$)|__testUtils__|\.test\./.test(f)) out.push(`files lists ${f}`);
    if (!f.includes('*') && f !== 'dist' && !existsSync(join(ROOT, 'plugins', dir, f))) out.push(`files lists ${f}, which does not exist`);
  }
  if (existsSync(join(ROOT, 'plugins', dir, 'migrations')) && !files.includes('migrations')) out.push('migrations/ not in files');
  const hasSchema = existsSync(join(ROOT, 'plugins', dir, 'config.d.ts'));
  if (hasSchema && (pkg.configSchema !== 'config.d.ts' || !files.includes('config.d.ts'))) {
    out.push('config.d.ts not shipped (configSchema and files)');
  }
  if (role.startsWith('backend-') && sources(dir).some(f => /coreServices\.rootConfig|getOptional(String|Number|Boolean|Config|StringArray|ConfigArray)\(/.test(readFileSync(f, 'utf8'))) && !hasSchema) {
    out.push('reads config but has no config.d.ts');
  }
  if (pkg.repository?.directory !== `plugins/${dir}` || !pkg.repository?.url) out.push('repository.directory/url');
  if (!pkg.homepage) out.push('no homepage');
  // Framework packages: the host app's React, as peers (Backstage's own packages: dependencies).
  if (frontend) {
    for (const peer of ['react', 'react-dom', 'react-router-dom']) {
      if (!pkg.peerDependencies?.[peer]) out.push(`${peer} not a peerDependency`);
      if (pkg.dependencies?.[peer]) out.push(`${peer} in dependencies (a second React in the app)`);
    }
  }
  // No portal part: another family only through its -common or -node library.
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const dep of Object.keys(pkg[field] ?? {})) {
      if (dep === 'app' || dep === 'backend' || dep.startsWith('@internal/')) out.push(`${field}: ${dep} (a portal package)`);
      if (!dep.startsWith('@stacktalk/')) continue;
      const target = all.get(dep);
      if (!target) out.push(`${field}: ${dep} is not a package of this repository`);
      else if (target.private) out.push(`${field}: ${dep} is private (a portal part)`);
      const sameFamily = pkg.backstage?.pluginId && target?.backstage?.pluginId === pkg.backstage.pluginId;
      if (!sameFamily && !/-(common|node)$/.test(dep)) out.push(`${field}: ${dep} (another plugin's ${target?.backstage?.role ?? 'package'}; only -common and -node may be shared)`);
      if (sameFamily && /-backend$/.test(dep)) out.push(`${field}: ${dep} (a backend plugin is never a dependency)`);
    }
  }
  return out;
}

describe('plugin packages are publishable', () => {
  const all = new Map(folders.map(d => [pkgOf(d).name, pkgOf(d)] as const));

  it('every family package, the Keycloak provider and the policy are public; portal parts stay private', () => {
    expect(familyDirs.length).toBeGreaterThanOrEqual(18);
    const priv = [...familyDirs, ...MODULES].filter(d => pkgOf(d).private);
    expect(priv).toEqual([]);
    for (const d of PORTAL_PARTS.filter(p => folders.includes(p))) expect([d, pkgOf(d).private]).toEqual([d, true]);
  });

  it.each([...familyDirs, ...MODULES])('plugins/%s: metadata, files, config schema, dependencies', dir => {
    expect(problems(dir, pkgOf(dir), all)).toEqual([]);
  });

  it('no workspace package depends on a backend plugin or the policy at run time (only in devDependencies)', () => {
    const edges: string[] = [];
    for (const d of publishable) {
      for (const dep of Object.keys({ ...pkgOf(d).dependencies, ...pkgOf(d).peerDependencies })) {
        const role = all.get(dep)?.backstage?.role;
        if (role === 'backend-plugin' || role === 'backend-plugin-module') edges.push(`${pkgOf(d).name} → ${dep}`);
      }
    }
    expect(edges).toEqual([]);
  });

  it('plugins/README.md names the private portal parts', () => {
    const paragraph = read('plugins/README.md').split('\n\n').find(p => p.includes('stay **private**')) ?? '';
    for (const d of PORTAL_PARTS) expect(paragraph).toContain(`\`${d}\``);
  });

  // The checker itself: each rule fails on a package breaking it.
  describe('the checker', () => {
    const good = (): Pkg => JSON.parse(JSON.stringify(pkgOf('secrets-backend')));
    it('passes the real secrets-backend', () => expect(problems('secrets-backend', good(), all)).toEqual([]));
    it.each<[string, (p: Pkg) => void, RegExp]>([
      ['private', p => { p.private = true; }, /"private": true/],
      ['a forbidden edge to a backend', p => { p.dependencies!['@stacktalk/plugin-ci-status-backend'] = '^0.1.0'; }, /ci-status-backend/],
      ['a portal package', p => { p.dependencies!.backend = '*'; }, /a portal package/],
      ['a private dependency', p => { p.dependencies!['@stacktalk/plugin-portal-status-backend'] = '^0.1.0'; }, /is private/],
      ['config.d.ts not in files', p => { p.files = ['dist', 'migrations']; }, /config\.d\.ts not shipped/],
      ['migrations not in files', p => { p.files = ['dist', 'config.d.ts']; }, /migrations/],
      ['no publishConfig', p => { delete p.publishConfig; }, /publishConfig\.main/],
      ['a missing pluginPackages entry', p => { p.backstage!.pluginPackages = ['@stacktalk/plugin-secrets-backend']; }, /pluginPackages/],
      ['a wrong role', p => { p.backstage!.role = 'frontend-plugin'; }, /backstage\.role/],
      ['an export to test code', p => { p.exports = { '.': './src/__testUtils__/x.ts' }; }, /test code|no such file/],
      ['no repository', p => { delete p.repository; }, /repository/],
    ])('fails on %s', (_, breakIt, message) => {
      const p = good();
      breakIt(p);
      expect(problems('secrets-backend', p, all).join('\n')).toMatch(message);
    });
    it('fails on a frontend plugin with React as a dependency', () => {
      const p: Pkg = JSON.parse(JSON.stringify(pkgOf('secrets')));
      p.dependencies = { ...p.dependencies, react: '^18.0.0' };
      delete p.peerDependencies;
      expect(problems('secrets', p, all).join('\n')).toMatch(/react not a peerDependency[\s\S]*react in dependencies/);
    });
    it('fails on a backend whose config schema is not shipped', () => {
      const p: Pkg = JSON.parse(JSON.stringify(pkgOf('ci-status-backend')));
      delete p.configSchema;
      p.files = ['dist'];
      expect(problems('ci-status-backend', p, all).join('\n')).toMatch(/config\.d\.ts not shipped/);
    });
  });
});
