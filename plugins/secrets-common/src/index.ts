/** Shared permissions and types of the secrets plugins. */
export {};
