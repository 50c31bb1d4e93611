// The REST layer against the real apiserver: auth from the envtest kubeconfig (token, client
// certificate), typed errors, CRUD with every patch type, watches, impersonation.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isMethodNotSupported,
  isResourceExpired,
  isNotFound,
  isUnauthorized,
  StatusError,
} from '../../src/apimachinery/errors.js';
import { PatchType } from '../../src/apimachinery/meta.js';
import type { KubeObject } from '../../src/apimachinery/meta.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type Config, restClientFor, TransportError, unversionedRESTClientFor } from '../../src/rest/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';
import { compactEtcdNow } from '../support/etcd-gateway.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const core = (config: Config) =>
  restClientFor({ ...config, apiPath: '/api', groupVersion: { group: '', version: 'v1' }, qps: -1 });

describe('REST client against kube-apiserver', () => {
  let ns: string;
  let admin: Config;
  beforeAll(async () => {
    ns = await createTestNamespace('rest');
    admin = loadKubeConfig({ path: controlPlane.kubeconfigPath }).config;
  });

  it('reads /version unversioned', async () => {
    const v = (await unversionedRESTClientFor(admin).get().absPath('/version').do()).into<{ gitVersion: string }>();
    expect(v.gitVersion).toBe('v1.20.2');
  });

  it.each(['envtest', 'envtest-cert'])('authenticates with context %s', async (context) => {
    const { config, namespace } = loadKubeConfig({ path: controlPlane.kubeconfigPath, context });
    expect(namespace).toBe('default');
    const list = (await core(config).get().resource('namespaces').do()).into<{ items: KubeObject[] }>();
    expect(list.items.map((n) => n.metadata?.name)).toContain('kube-system');
  });

  it('gives the unprivileged user a Forbidden StatusError', async () => {
    const { config } = loadKubeConfig({ path: controlPlane.kubeconfigPath, context: 'envtest-user' });
    const err = await core(config)
      .get()
      .resource('secrets')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(isForbidden(err)).toBe(true);
    expect((err as StatusError).code).toBe(403);
  });

  it('gives a bad token Unauthorized', async () => {
    const err = await core({ ...admin, bearerToken: 'nope' })
      .get()
      .resource('namespaces')
      .do()
      .catch((e: unknown) => e);
    expect(isUnauthorized(err)).toBe(true);
  });

  it('impersonates the unprivileged user', async () => {
    const err = await core({ ...admin, impersonate: { userName: controlPlane.userName, groups: ['envtest-users'] } })
      .get()
      .resource('secrets')
      .do()
      .catch((e: unknown) => e);
    expect(isForbidden(err)).toBe(true);
    expect((err as Error).message).toContain(`User "${controlPlane.userName}"`);
  });

  it('creates, gets, patches (merge, json, strategic, apply), updates and deletes a ConfigMap', async () => {
    const rc = core(admin);
    const created = (
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: 'cm1' }, data: { a: '1' } })
        .do()
    ).into<ConfigMap>();
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const dup = await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'cm1' } })
      .do()
      .catch((e: unknown) => e);
    expect(isAlreadyExists(dup)).toBe(true);

    const merged = (
      await rc
        .patch(PatchType.Merge)
        .namespace(ns)
        .resource('configmaps')
        .name('cm1')
        .body({ data: { b: '2' } })
        .do()
    ).into<ConfigMap>();
    expect(merged.data).toEqual({ a: '1', b: '2' });
    const json = (
      await rc
        .patch(PatchType.JSON)
        .namespace(ns)
        .resource('configmaps')
        .name('cm1')
        .body([{ op: 'remove', path: '/data/a' }])
        .do()
    ).into<ConfigMap>();
    expect(json.data).toEqual({ b: '2' });
    const smp = (
      await rc
        .patch(PatchType.StrategicMerge)
        .namespace(ns)
        .resource('configmaps')
        .name('cm1')
        .body({ data: { c: '3' } })
        .do()
    ).into<ConfigMap>();
    expect(smp.data).toEqual({ b: '2', c: '3' });
    const applied = (
      await rc
        .patch(PatchType.Apply)
        .namespace(ns)
        .resource('configmaps')
        .name('cm1')
        .versionedParams({ fieldManager: 'rest-test', force: true })
        .body({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { d: '4' } })
        .do()
    ).into<ConfigMap>();
    expect(applied.data?.d).toBe('4');
    expect(applied.metadata?.managedFields?.some((m) => m.manager === 'rest-test')).toBe(true);

    const stale = { ...created, data: { x: 'stale' } };
    const conflict = await rc
      .put()
      .namespace(ns)
      .resource('configmaps')
      .name('cm1')
      .body(stale)
      .do()
      .catch((e: unknown) => e);
    expect(isConflict(conflict)).toBe(true);

    const got = (await rc.get().namespace(ns).resource('configmaps').name('cm1').do()).into<ConfigMap>();
    const updated = (
      await rc
        .put()
        .namespace(ns)
        .resource('configmaps')
        .name('cm1')
        .body({ ...got, data: { e: '5' } })
        .do()
    ).into<ConfigMap>();
    expect(updated.data).toEqual({ e: '5' });

    await rc.delete().namespace(ns).resource('configmaps').name('cm1').body({ gracePeriodSeconds: 0 }).do();
    const gone = await rc
      .get()
      .namespace(ns)
      .resource('configmaps')
      .name('cm1')
      .do()
      .catch((e: unknown) => e);
    expect(isNotFound(gone)).toBe(true);
  });

  it('lists with a label selector and pages with limit/continue', async () => {
    const rc = core(admin);
    for (let i = 0; i < 5; i++) {
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: `page-${i}`, labels: { set: 'paging' } } })
        .do();
    }
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = (
        await rc
          .get()
          .namespace(ns)
          .resource('configmaps')
          .versionedParams({ labelSelector: 'set=paging', limit: 2, continue: cont })
          .do()
      ).into<{ metadata: { continue?: string }; items: ConfigMap[] }>();
      names.push(...page.items.map((c) => c.metadata!.name!));
      cont = page.metadata.continue || undefined;
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(names.sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('watches ADDED, MODIFIED and DELETED events', async () => {
    const rc = core(admin);
    const list = (await rc.get().namespace(ns).resource('configmaps').do()).into<{
      metadata: { resourceVersion: string };
    }>();
    const w = await rc
      .get()
      .namespace(ns)
      .resource('configmaps')
      .versionedParams({ resourceVersion: list.metadata.resourceVersion, fieldSelector: 'metadata.name=watched' })
      .watch<ConfigMap>();
    await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'watched' } })
      .do();
    await rc
      .patch(PatchType.Merge)
      .namespace(ns)
      .resource('configmaps')
      .name('watched')
      .body({ data: { k: 'v' } })
      .do();
    await rc.delete().namespace(ns).resource('configmaps').name('watched').do();
    const seen: string[] = [];
    for await (const ev of w) {
      seen.push(ev.type);
      if (seen.length === 3) w.stop();
    }
    expect(seen).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('classifies real 422 and 405 answers', async () => {
    const rc = core(admin);
    const invalid = await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'Not_Valid' } })
      .do()
      .catch((e: unknown) => e);
    expect(isInvalid(invalid)).toBe(true);
    expect((invalid as StatusError).status.details?.causes?.[0]?.field).toBe('metadata.name');
    const notAllowed = await unversionedRESTClientFor({ ...admin, qps: -1 })
      .put()
      .absPath('/version')
      .body({})
      .do()
      .catch((e: unknown) => e);
    expect(notAllowed).toBeInstanceOf(StatusError);
    expect([404, 405]).toContain((notAllowed as StatusError).code);
    if ((notAllowed as StatusError).code === 405) expect(isMethodNotSupported(notAllowed)).toBe(true);
  });

  it('gets 410 Expired for a continue token older than an etcd compaction', async () => {
    const rc = core(admin);
    for (let i = 0; i < 3; i++)
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: `compact-${i}` } })
        .do();
    const page = (await rc.get().namespace(ns).resource('configmaps').versionedParams({ limit: 1 }).do()).into<{
      metadata: { continue: string };
    }>();
    expect(page.metadata.continue).toBeTruthy();
    await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'compact-bump' } })
      .do();
    await compactEtcdNow(controlPlane.etcdUrl);
    const err = await rc
      .get()
      .namespace(ns)
      .resource('configmaps')
      .versionedParams({ limit: 1, continue: page.metadata.continue })
      .do()
      .catch((e: unknown) => e);
    expect((err as StatusError).code).toBe(410);
    expect(isResourceExpired(err) || isGone(err)).toBe(true);
  });

  it('authenticates through an exec credential plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-it-'));
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: process.env.PLUGIN_TOKEN } }));\n`,
    );
    chmodSync(plugin, 0o755);
    const viaExec = core({
      host: controlPlane.url,
      tls: { caData: controlPlane.caData },
      execProvider: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: plugin,
        env: [{ name: 'PLUGIN_TOKEN', value: controlPlane.adminToken }],
      },
    });
    const list = (await viaExec.get().resource('namespaces').do()).into<{ items: unknown[] }>();
    expect(list.items.length).toBeGreaterThan(0);
  });

  it('fails with a TransportError when nothing listens', async () => {
    const err = await core({ ...admin, host: 'https://127.0.0.1:1', maxRetries: 0 })
      .get()
      .resource('namespaces')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).not.toContain(controlPlane.adminToken);
  });

  afterAll(async () => {
    await core(admin)
      .delete()
      .resource('namespaces')
      .name(ns)
      .do()
      .catch(() => {});
  });
});
