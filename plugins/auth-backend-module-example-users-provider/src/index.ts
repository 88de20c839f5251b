export { authModuleExampleUserProvider as default } from './module';
export { EXAMPLE_USER_HEADER } from './authenticator';
export type { ExampleUser, ExampleGroup } from './exampleUsers';
