import { eachValue, type Exporter } from './types';
import { yamlDoubleQuoted } from './yamlScalar';

/**
 * The `envs` of a DigitalOcean App Platform app spec, every value `type: SECRET`, as a YAML
 * double-quoted scalar (read back exactly; see yamlDoubleQuoted). App Platform substitutes
 * bindable variables written `${...}` in env values (DigitalOcean docs, "How to Use Environment
 * Variables in App Platform", bindable variables) and documents no escape, so such values are refused.
 */
export const appPlatformExporter: Exporter = {
  refusals: eachValue(value => (value.includes('${') ? 'App Platform would read the ${...} in it as a bindable variable' : undefined)),
  write(target, secrets) {
    const envs = secrets.flatMap(s => [`  - key: ${yamlDoubleQuoted(s.name)}`, '    scope: RUN_AND_BUILD_TIME', '    type: SECRET', `    value: ${yamlDoubleQuoted(s.value)}`]);
    const body = [
      `# App Platform app "${target.environment.target}": paste under the component or app spec (${target.entityName}, ${target.environment.name})`,
      secrets.length ? 'envs:' : 'envs: []',
      ...envs,
      '',
    ].join('\n');
    return { filename: `${target.entityName}.${target.environment.name}.app-spec-envs.yaml`, contentType: 'application/yaml; charset=utf-8', body };
  },
};
