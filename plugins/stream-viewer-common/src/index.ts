/** Permissions, annotations and shared logic of the StackTalk stream viewer. */
export * from './permissions';
export * from './annotations';
export * from './jsonPath';
export * from './filter';
export * from './decode';
export * from './api';
