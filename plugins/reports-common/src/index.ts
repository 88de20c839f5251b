/** Shared permissions and types of the reports plugins. */
export {};
