/** The Plugins page, served by @stacktalk/plugin-plugin-manager-backend. */
export { pluginManagerPlugin as default } from './plugin';
export { pluginManagerApiRef, PluginManagerClient, type PluginManagerApi } from './api/PluginManagerClient';
