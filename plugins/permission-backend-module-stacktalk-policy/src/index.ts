export { stackTalkPolicyModule as default } from './module';
export { StackTalkPermissionPolicy, type StackTalkPolicyOptions } from './StackTalkPermissionPolicy';
