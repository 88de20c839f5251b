/** The Plugins page's backend: installed backend plugins and modules, their health, and the plugin sources. */
export { pluginManagerPlugin as default } from './plugin';
