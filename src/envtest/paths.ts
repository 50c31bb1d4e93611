// Where envtest keeps its per-machine cache (built kube-apiserver binaries) and which versions it knows.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The kube-apiserver version envtest builds and runs by default. */
export const KUBE_APISERVER_VERSION = 'v1.20.2';

/**
 * Revision of envtest's build recipe, part of the cache key: bumped when the recipe changes the
 * binary (2: modern-go/reflect2 1.0.2 so that CRDs work when built with Go >= 1.18).
 */
export const BUILD_REVISION = 2;

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
 * The cached kube-apiserver binary path for a version, keyed by version, OS and architecture.
 *
 * @example
 * cachedApiserverPath('v1.20.2'); // '~/.cache/kube-client/kube-apiserver-v1.20.2-linux-amd64-r2/kube-apiserver'
 */
export function cachedApiserverPath(version = KUBE_APISERVER_VERSION, env: NodeJS.ProcessEnv = process.env): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return join(
    cacheDir(env),
    `kube-apiserver-${version}-${process.platform}-${arch}-r${BUILD_REVISION}`,
    'kube-apiserver',
  );
}
