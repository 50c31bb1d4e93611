// Where envtest keeps its per-machine cache (built kube-apiserver binaries) and which versions it knows.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Kubernetes version envtest builds and runs by default (kube-apiserver and the node's binaries). */
export const KUBE_APISERVER_VERSION = 'v1.20.2';

/**
 * Revision of envtest's build recipe, part of the cache key: bumped when the recipe changes the
 * binaries (2: modern-go/reflect2 1.0.2 so that CRDs work when built with Go >= 1.18; 3: kubelet,
 * kube-scheduler, kube-controller-manager and pause built beside kube-apiserver).
 */
export const BUILD_REVISION = 3;

/** The binaries one build puts into the cache. */
export const KUBERNETES_BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet'] as const;

/**
 * The per-machine cache folder: `$KUBE_CLIENT_CACHE_DIR`, else `$XDG_CACHE_HOME/kube-client`,
 * else `~/.cache/kube-client`.
 *
 * @example
 * cacheDir(); // '/root/.cache/kube-client'
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBE_CLIENT_CACHE_DIR) return env.KUBE_CLIENT_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kube-client');
}

/**
 * The cache folder of one build (all of {@link KUBERNETES_BINARIES} and `pause`), keyed by
 * version, OS, architecture and recipe revision.
 *
 * @example
 * cachedBinariesDir('v1.20.2'); // '~/.cache/kube-client/kubernetes-v1.20.2-linux-amd64-r3'
 */
export function cachedBinariesDir(version = KUBE_APISERVER_VERSION, env: NodeJS.ProcessEnv = process.env): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return join(cacheDir(env), `kubernetes-${version}-${process.platform}-${arch}-r${BUILD_REVISION}`);
}

/**
 * The cached kube-apiserver binary path for a version.
 *
 * @example
 * cachedApiserverPath('v1.20.2'); // '~/.cache/kube-client/kubernetes-v1.20.2-linux-amd64-r3/kube-apiserver'
 */
export function cachedApiserverPath(version = KUBE_APISERVER_VERSION, env: NodeJS.ProcessEnv = process.env): string {
  return join(cachedBinariesDir(version, env), 'kube-apiserver');
}

/**
 * The cached local image archives (pause, busybox), keyed by recipe revision.
 *
 * @example
 * cachedImagesDir(); // '~/.cache/kube-client/images-r1'
 */
export function cachedImagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'images-r1');
}
