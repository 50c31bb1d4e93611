// kube-client/tools/leaderelection: the helpers layer. Leader election on coordination.k8s.io Leases.
export {
  DEFAULT_LEADER_ELECTION_TIMINGS,
  JITTER_FACTOR,
  type LeaderCallbacks,
  type LeaderElectionConfig,
  LeaderElectionConfigError,
  LeaderElector,
  runLeaderElection,
  validateLeaderElectionConfig,
} from './leader-elector.js';
export { type Lease, LeaseLock, type LeaderElectionRecord, type ResourceLock } from './resource-lock.js';
