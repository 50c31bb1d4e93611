// API error predicates, suggestsClientDelay, hasStatusCause and genericStatusError, after
// apimachinery's pkg/api/errors (errors.go, errors_test.go) and client-go's NewGenericServerResponse.
import { describe, expect, it } from 'vitest';
import {
  genericStatusError,
  hasStatusCause,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isMethodNotSupported,
  isNotAcceptable,
  isNotFound,
  isRequestEntityTooLarge,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  isUnsupportedMediaType,
  reasonForError,
  StatusError,
  StatusReason,
  suggestsClientDelay,
} from '../../../src/apimachinery/errors.js';
import type { Status } from '../../../src/apimachinery/meta.js';
import { type HttpResponse, noWarnings, restClientFor } from '../../../src/rest/index.js';
import { rejection } from '../../support/caught.js';
import { cannedResponse } from '../../support/canned-response.js';

type Predicate = (err: unknown) => boolean;
const err = (status: Status) => new StatusError(status);

// Predicates that fall back to the HTTP code only when the reason is not one apimachinery knows.
const byReasonOrCode: [string, Predicate, string, number][] = [
  ['isNotFound', isNotFound, StatusReason.NotFound, 404],
  ['isConflict', isConflict, StatusReason.Conflict, 409],
  ['isInvalid', isInvalid, StatusReason.Invalid, 422],
  ['isGone', isGone, StatusReason.Gone, 410],
  ['isForbidden', isForbidden, StatusReason.Forbidden, 403],
  ['isUnauthorized', isUnauthorized, StatusReason.Unauthorized, 401],
  ['isBadRequest', isBadRequest, StatusReason.BadRequest, 400],
  ['isMethodNotSupported', isMethodNotSupported, StatusReason.MethodNotAllowed, 405],
  ['isNotAcceptable', isNotAcceptable, StatusReason.NotAcceptable, 406],
  ['isUnsupportedMediaType', isUnsupportedMediaType, StatusReason.UnsupportedMediaType, 415],
  ['isInternalError', isInternalError, StatusReason.InternalError, 500],
  ['isServiceUnavailable', isServiceUnavailable, StatusReason.ServiceUnavailable, 503],
  ['isTimeout', isTimeout, StatusReason.Timeout, 504],
];

// Predicates that look at the reason only: no HTTP code is specific enough.
const byReasonOnly: [string, Predicate, string, number][] = [
  ['isAlreadyExists', isAlreadyExists, StatusReason.AlreadyExists, 409],
  ['isResourceExpired', isResourceExpired, StatusReason.Expired, 410],
  ['isServerTimeout', isServerTimeout, StatusReason.ServerTimeout, 500],
];

// Predicates whose code check predates the others and ignores the reason.
const byReasonOrAnyCode: [string, Predicate, string, number][] = [
  ['isTooManyRequests', isTooManyRequests, StatusReason.TooManyRequests, 429],
  ['isRequestEntityTooLarge', isRequestEntityTooLarge, StatusReason.RequestEntityTooLarge, 413],
];

const allPredicates = [...byReasonOrCode, ...byReasonOnly, ...byReasonOrAnyCode];

describe('status error predicates', () => {
  it.each(allPredicates)('%s is true for its reason, whatever the code', (_name, predicate, reason) => {
    expect(predicate(err({ reason }))).toBe(true);
    expect(predicate(err({ reason, code: 200 }))).toBe(true);
  });

  it.each(allPredicates)('%s is false for every other known reason', (_name, predicate, reason) => {
    for (const other of Object.values(StatusReason)) {
      if (other === reason || other === StatusReason.Unknown) continue;
      expect(predicate(err({ reason: other })), other).toBe(false);
    }
  });

  it.each(byReasonOrCode)(
    '%s falls back to its HTTP code when the reason is unknown',
    (_name, predicate, _reason, code) => {
      expect(predicate(err({ code }))).toBe(true);
      expect(predicate(err({ code, reason: '' }))).toBe(true);
      // A reason apimachinery does not know counts as no reason.
      expect(predicate(err({ code, reason: 'SomethingNew' }))).toBe(true);
    },
  );

  it.each(byReasonOrCode)('%s ignores its code when another known reason is set', (_name, predicate, reason, code) => {
    const other = reason === StatusReason.NotFound ? StatusReason.Forbidden : StatusReason.NotFound;
    expect(predicate(err({ code, reason: other }))).toBe(false);
    expect(predicate(err({ code, reason: StatusReason.StoreReadError }))).toBe(false);
  });

  it.each(byReasonOnly)('%s does not look at the code (HTTP %i)', (_name, predicate, _reason, code) => {
    expect(predicate(err({ code }))).toBe(false);
  });

  it.each(byReasonOrAnyCode)('%s matches its code even under another reason', (_name, predicate, _reason, code) => {
    expect(predicate(err({ code }))).toBe(true);
    expect(predicate(err({ code, reason: StatusReason.Forbidden }))).toBe(true);
    expect(predicate(err({ code: 404 }))).toBe(false);
  });

  it.each(allPredicates)('%s is false for errors that carry no Status', (_name, predicate) => {
    for (const e of [undefined, null, new Error('boom'), { code: 404, reason: 'NotFound' }, 'NotFound'])
      expect(predicate(e)).toBe(false);
    expect(predicate(err({}))).toBe(false);
  });

  it.each([
    [err({ reason: StatusReason.Unauthorized }), StatusReason.Unauthorized],
    [err({ code: 404 }), ''],
    [new Error('some other error'), ''],
    [undefined, ''],
  ])('reasonForError(%s) = %j', (e, reason) => expect(reasonForError(e)).toBe(reason));
});

describe('StatusError', () => {
  it('fills in the Status envelope and exposes code, reason and retryAfterSeconds', () => {
    const e = err({ code: 429, reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 2 } });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('StatusError');
    expect(e.message).toBe('slow down');
    expect(e.status).toMatchObject({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 429 });
    expect([e.code, e.reason, e.retryAfterSeconds]).toEqual([429, 'TooManyRequests', 2]);
  });

  it('has a message, code 0 and reason "" even for an empty Status', () => {
    const e = err({});
    expect(e.message).toBe('the server responded with HTTP error');
    expect(err({ code: 502 }).message).toBe('the server responded with HTTP 502');
    expect([e.code, e.reason, e.retryAfterSeconds]).toEqual([0, '', undefined]);
  });
});

describe('suggestsClientDelay', () => {
  it.each<[string, Status, number | undefined]>([
    ['a 429 with retryAfterSeconds', { code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 10 } }, 10],
    ['a 429 asking for 1 s', { code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } }, 1],
    ['a 429 with 0 s', { code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 0 } }, undefined],
    ['a 500 with retryAfterSeconds', { code: 500, reason: 'InternalError', details: { retryAfterSeconds: 10 } }, 10],
    ['AlreadyExists of generateName', { code: 409, reason: 'AlreadyExists', details: { retryAfterSeconds: 1 } }, 1],
    ['ServerTimeout with a delay', { code: 500, reason: 'ServerTimeout', details: { retryAfterSeconds: 10 } }, 10],
    ['ServerTimeout without a delay', { code: 500, reason: 'ServerTimeout', details: {} }, 0],
    ['ServerTimeout without details', { code: 500, reason: 'ServerTimeout' }, undefined],
    ['Timeout with a delay', { code: 504, reason: 'Timeout', details: { retryAfterSeconds: 10 } }, 10],
    ['Timeout without a delay', { code: 504, reason: 'Timeout', details: {} }, undefined],
    ['a negative delay', { code: 429, details: { retryAfterSeconds: -1 } }, undefined],
    ['NotFound', { code: 404, reason: 'NotFound', details: { name: 'x' } }, undefined],
  ])('%s: %j', (_what, status, want) => expect(suggestsClientDelay(err(status))).toBe(want));

  it('is undefined for errors that are not StatusErrors', () => {
    expect(suggestsClientDelay(new Error('x'))).toBeUndefined();
    expect(suggestsClientDelay(undefined)).toBeUndefined();
  });
});

describe('hasStatusCause', () => {
  const withCauses = err({
    code: 422,
    reason: 'Invalid',
    details: { causes: [{ reason: 'FieldValueRequired', field: 'spec.x' }, { reason: 'NamespaceTerminating' }] },
  });
  it.each([
    [withCauses, 'NamespaceTerminating', true],
    [withCauses, 'FieldValueRequired', true],
    [withCauses, 'FieldValueInvalid', false],
    [withCauses, '', false],
    [err({ code: 422, details: {} }), 'NamespaceTerminating', false],
    [err({ code: 422 }), 'NamespaceTerminating', false],
    [new Error('NamespaceTerminating'), 'NamespaceTerminating', false],
    [undefined, 'NamespaceTerminating', false],
  ])('%s has %j: %s', (e, cause, want) => expect(hasStatusCause(e, cause)).toBe(want));
});

describe('genericStatusError (client-go NewGenericServerResponse)', () => {
  const pods = { group: '', resource: 'pods' };
  it.each<[number, string, string, string, string]>([
    [400, 'GET', '', StatusReason.BadRequest, 'the server rejected our request for an unknown reason'],
    [401, 'GET', '', StatusReason.Unauthorized, 'the server has asked for the client to provide credentials'],
    [
      403,
      'GET',
      'pods "p" is forbidden: User "u" cannot get',
      StatusReason.Forbidden,
      'pods "p" is forbidden: User "u" cannot get',
    ],
    [403, 'GET', '', StatusReason.Forbidden, 'the server does not allow access to the requested resource'],
    [403, 'GET', 'unknown', StatusReason.Forbidden, 'the server does not allow access to the requested resource'],
    [404, 'GET', 'page not found', StatusReason.NotFound, 'the server could not find the requested resource'],
    [
      405,
      'DELETE',
      '',
      StatusReason.MethodNotAllowed,
      'the server does not allow this method on the requested resource',
    ],
    [406, 'GET', 'only application/json', StatusReason.NotAcceptable, 'only application/json'],
    [
      406,
      'GET',
      'unknown',
      StatusReason.NotAcceptable,
      'the server was unable to respond with a content type that the client supports',
    ],
    [
      406,
      'GET',
      '',
      StatusReason.NotAcceptable,
      'the server was unable to respond with a content type that the client supports',
    ],
    [409, 'POST', '', StatusReason.AlreadyExists, 'the server reported a conflict'],
    [409, 'post', '', StatusReason.AlreadyExists, 'the server reported a conflict'],
    [409, 'PUT', '', StatusReason.Conflict, 'the server reported a conflict'],
    [409, 'PATCH', '', StatusReason.Conflict, 'the server reported a conflict'],
    [410, 'GET', 'gone', '', 'the server responded with the status code 410 but did not return more information'],
    [413, 'POST', '', '', 'the server responded with the status code 413 but did not return more information'],
    [415, 'PATCH', 'use merge-patch', StatusReason.UnsupportedMediaType, 'use merge-patch'],
    [
      415,
      'PATCH',
      '',
      StatusReason.UnsupportedMediaType,
      'the server does not support the content type of the request',
    ],
    [422, 'PUT', '', StatusReason.Invalid, 'the server rejected our request due to an error in our request'],
    [
      429,
      'GET',
      'slow',
      StatusReason.TooManyRequests,
      'the server has received too many requests and has asked us to try again later',
    ],
    [418, 'GET', 'teapot', '', 'the server responded with the status code 418 but did not return more information'],
    [
      500,
      'GET',
      'etcd is down',
      StatusReason.InternalError,
      'an error on the server ("etcd is down") has prevented the request from succeeding',
    ],
    [
      500,
      'GET',
      '',
      StatusReason.InternalError,
      'an error on the server ("") has prevented the request from succeeding',
    ],
    [
      502,
      'GET',
      'unknown',
      StatusReason.InternalError,
      'an error on the server ("unknown") has prevented the request from succeeding',
    ],
    [503, 'GET', 'overloaded', StatusReason.ServiceUnavailable, 'the server is currently unable to handle the request'],
    [
      504,
      'GET',
      '',
      StatusReason.Timeout,
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  ])('%i on %s with body %j: reason %j', (code, verb, body, reason, message) => {
    const e = genericStatusError(code, verb, '', '', body);
    expect(e).toBeInstanceOf(StatusError);
    expect([e.code, e.reason, e.message]).toEqual([code, reason, message]);
    expect(e.status.status).toBe('Failure');
  });

  it.each<[string, string | { group: string; resource: string }, string, string]>([
    ['no resource', '', '', 'the server could not find the requested resource'],
    ['no resource but a name', '', 'x', 'the server could not find the requested resource'],
    ['a core resource', 'pods', '', 'the server could not find the requested resource (get pods)'],
    [
      'a core resource as a GroupResource',
      pods,
      'web-0',
      'the server could not find the requested resource (get pods "web-0")',
    ],
    [
      'a grouped resource and name',
      { group: 'apps', resource: 'deployments' },
      'web',
      'the server could not find the requested resource (get deployments.apps "web")',
    ],
    [
      'a grouped resource',
      { group: 'apps', resource: 'deployments' },
      '',
      'the server could not find the requested resource (get deployments.apps)',
    ],
  ])('message names the verb, qualified resource and name: %s', (_what, resource, name, message) => {
    expect(genericStatusError(404, 'GET', resource, name).message).toBe(message);
  });

  it('classifies with the predicates as client-go does', () => {
    expect(isAlreadyExists(genericStatusError(409, 'POST', pods, 'p'))).toBe(true);
    expect(isConflict(genericStatusError(409, 'POST', pods, 'p'))).toBe(false);
    expect(isConflict(genericStatusError(409, 'PUT', pods, 'p'))).toBe(true);
    expect(isGone(genericStatusError(410, 'GET', pods))).toBe(true);
    expect(isResourceExpired(genericStatusError(410, 'GET', pods))).toBe(false);
    expect(isRequestEntityTooLarge(genericStatusError(413, 'POST', pods))).toBe(true);
    expect(isTimeout(genericStatusError(504, 'GET', pods))).toBe(true);
    expect(isServerTimeout(genericStatusError(504, 'GET', pods))).toBe(false);
    expect(isInternalError(genericStatusError(502, 'GET', pods))).toBe(true);
    expect(isTooManyRequests(genericStatusError(429, 'GET', pods))).toBe(true);
  });

  it('carries group, resource as kind, name, retryAfterSeconds and the body as an UnexpectedServerResponse cause', () => {
    const e = genericStatusError(429, 'GET', { group: 'apps', resource: 'deployments' }, 'web', 'slow down', 7);
    expect(e.status.details).toEqual({
      group: 'apps',
      kind: 'deployments',
      name: 'web',
      causes: [{ reason: 'UnexpectedServerResponse', message: 'slow down' }],
      retryAfterSeconds: 7,
    });
    expect(e.retryAfterSeconds).toBe(7);
    expect(suggestsClientDelay(e)).toBe(7);
    expect(hasStatusCause(e, 'UnexpectedServerResponse')).toBe(true);
  });

  it('leaves out what it was not given', () => {
    const e = genericStatusError(503, 'GET');
    expect(e.status.details).toEqual({ causes: [{ reason: 'UnexpectedServerResponse', message: '' }] });
    expect(suggestsClientDelay(e)).toBeUndefined();
    expect(suggestsClientDelay(genericStatusError(429, 'GET', pods, 'p', 'x', 0))).toBeUndefined();
    expect(suggestsClientDelay(genericStatusError(500, 'GET', pods, 'p', 'x', 10))).toBe(10);
  });
});

describe('genericStatusError as the REST client builds it (client-go newUnstructuredResponseError)', () => {
  const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
    cannedResponse(status, headers, body);
  const client = (group: string, res: HttpResponse) =>
    restClientFor(
      {
        host: 'https://api.test',
        groupVersion: { group, version: 'v1' },
        qps: -1,
        maxRetries: 0,
        warningHandler: noWarnings,
      },
      { roundTrip: async () => res },
    );
  const caught = async (p: Promise<unknown>) => (await rejection(p)) as StatusError;

  it('names the client group with the resource, and the body as the cause', async () => {
    const e = await caught(
      client('apps', answer(409, 'exists', { 'content-type': 'text/plain' }))
        .post()
        .namespace('ns')
        .resource('deployments')
        .body({})
        .do(),
    );
    expect([e.code, e.reason]).toEqual([409, StatusReason.AlreadyExists]);
    expect(e.message).toBe('the server reported a conflict (post deployments.apps)');
    expect(e.status.details).toEqual({
      group: 'apps',
      kind: 'deployments',
      causes: [{ reason: 'UnexpectedServerResponse', message: 'exists' }],
    });
  });

  it('keeps the core group out of the message and passes Retry-After on', async () => {
    const e = await caught(
      client('', answer(429, 'busy', { 'retry-after': '4' }))
        .get()
        .namespace('ns')
        .resource('pods')
        .name('p')
        .do(),
    );
    expect(e.message).toBe(
      'the server has received too many requests and has asked us to try again later (get pods "p")',
    );
    expect(e.status.details).toMatchObject({ name: 'p', kind: 'pods', retryAfterSeconds: 4 });
    expect(e.status.details?.group).toBeUndefined();
    expect(suggestsClientDelay(e)).toBe(4);
  });

  it('names no group or resource for a request without a resource', async () => {
    const e = await caught(
      client('apps', answer(403, 'no', { 'content-type': 'text/plain' }))
        .get()
        .do(),
    );
    expect([e.reason, e.message]).toEqual([StatusReason.Forbidden, 'no']);
    expect(e.status.details).toEqual({ causes: [{ reason: 'UnexpectedServerResponse', message: 'no' }] });
  });
});
