/** The Plugins page's backend: installed backend plugins and modules, their health, and the plugin sources. */
export { pluginManagerPlugin as default } from './plugin';
/** For the backend's dynamic plugins loader: prepare a start, record a failed one (rollback). */
export { prepareDynamicPluginsStart, recordStartFailure } from './service/applyChanges';
/** For a process supervisor: the variable naming the file a backend writes to be started again. */
export { SUPERVISOR_RESTART_FILE_ENV } from './service/restart';
