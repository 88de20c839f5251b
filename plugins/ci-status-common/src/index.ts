/** Permissions, catalog annotations and shared types of the StackTalk CI status plugins. */
export * from './permissions';
export * from './annotations';
export * from './types';
