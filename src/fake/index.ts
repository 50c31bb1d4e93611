// kube-client/fake: the clients layer. Fake clientsets for unit tests: real clients over an in-memory API.
export {
  type Action,
  FakeApi,
  newSimpleClientset,
  newSimpleDynamicClient,
  type ReactionResult,
  type Reactor,
} from './fake-clientset.js';
export { jsonPatch, mergePatch, ObjectTracker } from './tracker.js';
