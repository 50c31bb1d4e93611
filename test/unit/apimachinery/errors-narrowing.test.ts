// The error predicates are type guards: on a caught `unknown` they narrow to StatusError, on a
// value already typed StatusError they stay plain booleans (so the else branch is not `never`).
// The type assertions are checked by `npm run typecheck`; the runtime ones by vitest.
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../../../src/apimachinery/errors.js';
import { hasStatusCause, isConflict, isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { DeletedFinalStateUnknown, isDeletedFinalStateUnknown } from '../../../src/tools/cache/keys.js';

const notFound = new StatusError({ code: 404, reason: 'NotFound', message: 'pods "x" not found' });

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('error predicates narrow', () => {
  it('narrows a caught unknown to StatusError in the true branch', () => {
    const err = thrown(() => {
      throw notFound;
    });
    if (isNotFound(err)) {
      expectTypeOf(err).toEqualTypeOf<StatusError>();
      expect(err.code).toBe(404);
      expect(err.status.message).toBe('pods "x" not found');
    } else {
      expect.unreachable('a NotFound StatusError');
    }
  });

  it('keeps a StatusError a StatusError in the false branch', () => {
    const err: StatusError = notFound;
    if (isConflict(err)) expect.unreachable('not a conflict');
    else {
      expectTypeOf(err).toEqualTypeOf<StatusError>();
      expect(err.reason).toBe('NotFound');
    }
  });

  it('keeps other types in the false branch of a union', () => {
    const err = new Error('plain') as Error | StatusError;
    if (!isNotFound(err)) {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expect(err.message).toBe('plain');
    }
  });

  it('hasStatusCause narrows too', () => {
    const err: unknown = new StatusError({
      code: 403,
      reason: 'Forbidden',
      details: { causes: [{ reason: 'NamespaceTerminating' }] },
    });
    if (hasStatusCause(err, 'NamespaceTerminating')) expect(err.code).toBe(403);
    else expect.unreachable('the cause is listed');
  });

  it('every exported is* predicate is false for non-StatusErrors', () => {
    const predicates = (Object.entries(errors) as Array<[string, unknown]>).filter(
      (e): e is [string, (err: unknown) => boolean] => e[0].startsWith('is') && typeof e[1] === 'function',
    );
    expect(predicates.length).toBe(18);
    for (const [name, is] of predicates) {
      for (const value of [undefined, null, 'NotFound', new Error('x'), { code: 404, reason: 'NotFound' }]) {
        expect(is(value), `${name}(${String(value)})`).toBe(false);
      }
    }
  });
});

describe('isDeletedFinalStateUnknown narrows a delete handler argument', () => {
  interface Pod {
    metadata: { name: string };
  }
  it.each<[string, Pod | DeletedFinalStateUnknown<Pod>, string | undefined]>([
    ['a tombstone', new DeletedFinalStateUnknown<Pod>('ns/a', { metadata: { name: 'a' } }), 'ns/a'],
    ['an object', { metadata: { name: 'b' } }, undefined],
  ])('%s', (_, obj, key) => {
    if (isDeletedFinalStateUnknown(obj)) {
      expectTypeOf(obj).toEqualTypeOf<DeletedFinalStateUnknown<Pod>>();
      expect(obj.key).toBe(key);
    } else {
      expectTypeOf(obj).toEqualTypeOf<Pod>();
      expect(key).toBeUndefined();
      expect(obj.metadata.name).toBe('b');
    }
  });
});
