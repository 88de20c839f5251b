/** Shared permissions and types of the stream-viewer plugins. */
export {};
