/** Permissions, annotations and shared types of the StackTalk Excel-DNA plugins. */
export * from './permissions';
export * from './types';
