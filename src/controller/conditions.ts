// Status conditions with apimachinery's meta.SetStatusCondition rules: a condition's
// lastTransitionTime changes only when its status changes; reason, message and
// observedGeneration are updated in place.
import { formatTime } from '../apimachinery/meta.js';

/**
 * A metav1.Condition.
 *
 * @example
 * const c: Condition = { type: 'Ready', status: 'True', reason: 'Synced', message: 'all good' };
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  /** RFC 3339 time; set from the clock when left empty. */
  lastTransitionTime?: string;
  reason: string;
  message?: string;
}

/**
 * Sets a condition in `conditions` (in place) and returns whether anything changed. A new
 * condition, or one whose status changes, gets `newCondition.lastTransitionTime` or now; an
 * unchanged status keeps its lastTransitionTime while reason, message and observedGeneration are
 * updated.
 *
 * @example
 * foo.status ??= {};
 * foo.status.conditions ??= [];
 * if (setStatusCondition(foo.status.conditions, { type: 'Ready', status: 'True', reason: 'Synced' })) await foos.updateStatus(foo);
 */
export function setStatusCondition(
  conditions: Condition[],
  newCondition: Condition,
  now: () => Date = () => new Date(),
): boolean {
  const existing = conditions.find((c) => c.type === newCondition.type);
  if (!existing) {
    conditions.push({ ...newCondition, lastTransitionTime: newCondition.lastTransitionTime || formatTime(now()) });
    return true;
  }
  let changed = false;
  if (existing.status !== newCondition.status) {
    existing.status = newCondition.status;
    existing.lastTransitionTime = newCondition.lastTransitionTime || formatTime(now());
    changed = true;
  }
  if (existing.reason !== newCondition.reason) {
    existing.reason = newCondition.reason;
    changed = true;
  }
  if ((existing.message ?? '') !== (newCondition.message ?? '')) {
    existing.message = newCondition.message;
    changed = true;
  }
  if (existing.observedGeneration !== newCondition.observedGeneration) {
    existing.observedGeneration = newCondition.observedGeneration;
    changed = true;
  }
  return changed;
}

/**
 * Removes the condition of a type (in place); returns whether it was there.
 *
 * @example
 * removeStatusCondition(foo.status.conditions, 'Degraded');
 */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) return false;
  conditions.splice(i, 1);
  return true;
}

/**
 * The condition of a type, if present.
 *
 * @example
 * findStatusCondition(foo.status?.conditions, 'Ready')?.reason;
 */
export function findStatusCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * True when the condition of a type is present with status True.
 *
 * @example
 * if (isStatusConditionTrue(foo.status?.conditions, 'Ready')) ...
 */
export function isStatusConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === 'True';
}

/**
 * True when the condition of a type is present with status False.
 *
 * @example
 * isStatusConditionFalse(foo.status?.conditions, 'Ready');
 */
export function isStatusConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === 'False';
}
