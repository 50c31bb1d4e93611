// kube-client/tools/cp: `kubectl cp` into and out of a container (tar over exec, with kubectl's
// path rules), on tar-stream.
export { CopyError, type CopyOptions, type CopyToPodResult, copyFromPod, copyToPod } from './copy.js';
export {
  archivePrefix,
  packLocal,
  type SkippedEntry,
  stripPathShortcuts,
  type UnpackResult,
  unpackInto,
} from './tar.js';
