// The lock leader election competes for, and its record (client-go's resourcelock), with a Lease
// (coordination.k8s.io/v1) implementation.
import { isNotFound } from '../../apimachinery/errors.js';
import { formatMicroTime, type ObjectMeta } from '../../apimachinery/meta.js';
import type { Creator, Getter, ResourceHandle, Updater } from '../../kubernetes/runtime.js';

/** Who holds the lock and since when. */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: Date;
  renewTime: Date;
  leaderTransitions: number;
}

/** A lock leader election can get, create and update. */
export interface ResourceLock {
  /** The current record, or undefined when the lock object does not exist. */
  get(signal?: AbortSignal): Promise<LeaderElectionRecord | undefined>;
  create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void>;
  /** Updates the record (fails on a conflicting concurrent update). */
  update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void>;
  /** This candidate's identity. */
  identity(): string;
  /** e.g. `kube-system/my-controller`. */
  describe(): string;
}

/** The Lease fields the lock uses. */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/**
 * A lock on a coordination.k8s.io/v1 Lease.
 *
 * @example
 * const lock = new LeaseLock(cs.coordinationV1.leases('kube-system'), 'my-controller', `${hostname()}_${randomUUID()}`);
 */
export class LeaseLock implements ResourceLock {
  private lease: Lease | undefined;

  constructor(
    private readonly leases: ResourceHandle & Getter<Lease> & Creator<Lease> & Updater<Lease>,
    /** Name of the Lease object. */
    readonly name: string,
    private readonly id: string,
  ) {}

  async get(signal?: AbortSignal): Promise<LeaderElectionRecord | undefined> {
    try {
      this.lease = await this.leases.get(this.name, { signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const s = this.lease.spec ?? {};
    return {
      holderIdentity: s.holderIdentity ?? '',
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: new Date(s.acquireTime ?? 0),
      renewTime: new Date(s.renewTime ?? 0),
      leaderTransitions: s.leaseTransitions ?? 0,
    };
  }

  private spec(r: LeaderElectionRecord): Lease['spec'] {
    return {
      holderIdentity: r.holderIdentity,
      leaseDurationSeconds: r.leaseDurationSeconds,
      acquireTime: formatMicroTime(r.acquireTime),
      renewTime: formatMicroTime(r.renewTime),
      leaseTransitions: r.leaderTransitions,
    };
  }

  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    this.lease = await this.leases.create(
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name }, spec: this.spec(record) },
      { signal },
    );
  }

  async update(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    if (!this.lease) throw new Error('lease not initialized, call get or create first');
    // The resourceVersion of the last get makes this an optimistic-concurrency update.
    this.lease = await this.leases.update({ ...this.lease, spec: this.spec(record) }, { signal });
  }

  identity(): string {
    return this.id;
  }

  describe(): string {
    return `${this.leases.ns}/${this.name}`;
  }
}
