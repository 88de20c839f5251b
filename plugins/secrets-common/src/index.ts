/** Permissions and shared types of the StackTalk secrets plugins. */
export * from './permissions';
export * from './types';
