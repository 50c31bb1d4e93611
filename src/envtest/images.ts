// Container images made on this machine, without a registry: a pause image (the sandbox's init,
// compiled from Kubernetes' own pause.c at build time) and a busybox image (Debian's static
// busybox with one link per applet), each written as an image archive that `ctr images import`
// reads (manifest.json, a config named by its digest, one layer tarball).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCommand } from './run-command.js';

/**
 * Names of the images envtest's node has without a registry. Pods must use them with
 * `imagePullPolicy: 'Never'` (or `IfNotPresent`).
 *
 * @example
 * const pod = { spec: { containers: [{ name: 'c', image: LOCAL_IMAGES.busybox, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] } };
 */
export const LOCAL_IMAGES = {
  /** Debian's busybox-static: sh, cat, sleep, tar, nc, httpd, stty and the other applets. */
  busybox: 'kube-client.local/busybox:1.35',
  /** The pod sandbox image (Kubernetes' pause.c). */
  pause: 'kube-client.local/pause:3.4.1',
} as const;

/** What goes into one single-layer image. */
export interface ImageSpec {
  /** Repository and tag, e.g. `kube-client.local/busybox:1.35`. */
  name: string;
  /** Fills the (empty) root folder of the image. */
  populate(rootfs: string): Promise<void>;
  entrypoint?: string[];
  cmd?: string[];
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes a single-layer image archive (the format `docker save` writes and `ctr images import`
 * reads) to `out`, atomically.
 *
 * @example
 * await writeImageArchive(busyboxImage('/bin/busybox', list), '/tmp/busybox.tar');
 */
export async function writeImageArchive(spec: ImageSpec, out: string): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  const work = await mkdtemp(join(dirname(out), '.image-'));
  try {
    const rootfs = join(work, 'rootfs');
    const image = join(work, 'image');
    await mkdir(rootfs, { recursive: true });
    await mkdir(image, { recursive: true });
    await spec.populate(rootfs);
    const layerTmp = join(work, 'layer.tar');
    const tar = (args: string[], what: string) => runCommand('tar', args, { what });
    await tar(
      ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '-cf', layerTmp, '-C', rootfs, '.'],
      `packing the ${spec.name} layer`,
    );
    const diffId = await sha256File(layerTmp);
    await mkdir(join(image, diffId));
    await rename(layerTmp, join(image, diffId, 'layer.tar'));
    const config = JSON.stringify({
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      os: 'linux',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created_by: 'kube-client envtest' }],
    });
    const configId = createHash('sha256').update(config).digest('hex');
    await writeFile(join(image, `${configId}.json`), config);
    await writeFile(
      join(image, 'manifest.json'),
      JSON.stringify([{ Config: `${configId}.json`, RepoTags: [spec.name], Layers: [`${diffId}/layer.tar`] }]),
    );
    await tar(
      ['--numeric-owner', '--owner=0', '--group=0', '-cf', `${out}.partial`, '-C', image, '.'],
      `writing the ${spec.name} archive`,
    );
    await rename(`${out}.partial`, out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The pause image: `/pause` as entrypoint, from a statically linked pause binary.
 *
 * @example
 * await writeImageArchive(pauseImage('/cache/pause'), '/cache/images/pause.tar');
 */
export function pauseImage(pauseBinary: string): ImageSpec {
  return {
    name: LOCAL_IMAGES.pause,
    entrypoint: ['/pause'],
    populate: async (rootfs) => {
      await copyFile(pauseBinary, join(rootfs, 'pause'));
      await chmod(join(rootfs, 'pause'), 0o755);
    },
  };
}

/**
 * The busybox image: a static busybox at /bin/busybox, a link per applet in /bin (never one named
 * `busybox`, which would replace the binary), /etc/passwd and /etc/group for root and nobody, /tmp.
 *
 * @example
 * const applets = (await runCommand('busybox', ['--list'], { what: 'listing applets' })).split('\n');
 * await writeImageArchive(busyboxImage('/bin/busybox', applets), '/cache/images/busybox.tar');
 */
export function busyboxImage(busyboxBinary: string, applets: string[]): ImageSpec {
  return {
    name: LOCAL_IMAGES.busybox,
    cmd: ['sh'],
    populate: async (rootfs) => {
      for (const d of ['bin', 'etc', 'root', 'tmp', 'var/www', 'home'])
        await mkdir(join(rootfs, d), { recursive: true });
      await chmod(join(rootfs, 'tmp'), 0o1777);
      await copyFile(busyboxBinary, join(rootfs, 'bin', 'busybox'));
      await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
      const names = new Set(applets.map((a) => a.trim()).filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox'));
      for (const name of names) await symlink('busybox', join(rootfs, 'bin', name));
      await writeFile(
        join(rootfs, 'etc', 'passwd'),
        'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
      );
      await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    },
  };
}
