// The tar side of `kubectl cp`, on tar-stream: packing a local file or tree under the name it
// gets in the pod, and unpacking a pod's archive into a local folder with kubectl's path rules
// (entries must start with the copied path; an entry that would land outside the destination and
// every symlink are skipped with a warning).
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack, type Pack } from 'tar-stream';

/** tar's record size (20 blocks of 512 bytes): GNU tar reads whole records. */
const TAR_RECORD = 10240;

/** An archive entry that was not written, and why. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

/** kubectl's stripPathShortcuts: drops leading `../` and `./` (and a lone `..` or `.`). */
export function stripPathShortcuts(p: string): string {
  let out = posix.normalize(p);
  while (out.startsWith('../') || out.startsWith('./')) out = out.slice(out.indexOf('/') + 1);
  return out === '..' || out === '.' ? '' : out;
}

/** The prefix every entry of `tar cf - <remotePath>` starts with (tar drops the leading '/'). */
export function archivePrefix(remotePath: string): string {
  return stripPathShortcuts(posix.normalize(remotePath.replace(/^\/+/, '')));
}

async function addEntry(p: Pack, local: string, name: string): Promise<void> {
  const st = await lstat(local);
  const base = { name, mode: st.mode & 0o7777, mtime: st.mtime };
  if (st.isSymbolicLink()) {
    await entry(p, { ...base, type: 'symlink', linkname: await readlink(local) });
  } else if (st.isDirectory()) {
    await entry(p, { ...base, type: 'directory' });
    for (const child of (await readdir(local)).sort()) await addEntry(p, join(local, child), posix.join(name, child));
  } else if (st.isFile()) {
    await new Promise<void>((res, rej) => {
      const sink = p.entry({ ...base, type: 'file', size: st.size }, (err) => (err ? rej(err) : res()));
      createReadStream(local).on('error', rej).pipe(sink);
    });
  }
}

function entry(p: Pack, header: Parameters<Pack['entry']>[0]): Promise<void> {
  return new Promise((res, rej) => p.entry(header, (err) => (err ? rej(err) : res())));
}

/**
 * A tar stream of a local file or tree whose entries are named `name`, `name/child`, ... (as
 * kubectl's makeTar names them after the destination). Padded to whole 10 KiB records, so a
 * reading tar stops at the end without waiting for more.
 *
 * @example
 * packLocal('./site', 'site').pipe(socket);
 */
export function packLocal(localPath: string, name: string): Readable {
  const p = pack();
  addEntry(p, localPath, name).then(
    () => p.finalize(),
    (err: Error) => p.destroy(err),
  );
  let size = 0;
  const padded = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const rest = (TAR_RECORD - (size % TAR_RECORD)) % TAR_RECORD;
      cb(null, rest ? Buffer.alloc(rest) : undefined);
    },
  });
  (p as unknown as Readable).once('error', (err) => padded.destroy(err));
  return (p as unknown as Readable).pipe(padded);
}

/** Whether a folder between `root` and `dir` (both resolved; `dir` inside `root`) is a symlink. */
async function linkOnTheWay(root: string, dir: string): Promise<boolean> {
  let p = root;
  for (const part of relative(root, dir).split(sep).filter(Boolean)) {
    p = join(p, part);
    const st = await lstat(p).catch(() => undefined);
    if (!st) return false;
    if (st.isSymbolicLink()) return true;
  }
  return false;
}

/** What {@link unpackInto} wrote and skipped. */
export interface UnpackResult {
  /** Files written (local paths). */
  files: string[];
  skipped: SkippedEntry[];
}

/**
 * Unpacks a pod's archive of `remotePath` into `dest` with kubectl cp's rules: every entry must
 * start with the archive prefix (else the archive was tampered with: an Error), the rest of its
 * name is joined to `dest`; entries that would land outside `dest`, symlinks and special files
 * are skipped (listed in `skipped`, and passed to `onWarning`).
 *
 * @example
 * const { files, skipped } = await unpackInto(stdoutOfTar, '/tmp/dir', './out');
 */
export async function unpackInto(
  archive: Readable,
  remotePath: string,
  dest: string,
  onWarning: (line: string) => void = () => undefined,
): Promise<UnpackResult> {
  const prefix = archivePrefix(remotePath);
  const root = resolve(dest);
  const files: string[] = [];
  const skipped: SkippedEntry[] = [];
  const skip = (name: string, reason: string) => {
    skipped.push({ name, reason });
    onWarning(`warning: ${reason}, skipping ${JSON.stringify(name)}`);
  };
  const ex = extract();
  const done = new Promise<void>((res, rej) => {
    ex.on('entry', (header, stream, next) => {
      const finish = (err?: unknown) => {
        if (err) {
          stream.resume();
          ex.destroy(err as Error);
        } else next();
      };
      void (async () => {
        const name = header.name;
        if (!name.startsWith(prefix)) throw new Error('tar contents corrupted: an entry outside the copied path');
        // As kubectl: the rest of the name is joined to the destination ('..' resolved, a leading
        // '/' kept inside), and what lands outside is refused.
        const target = join(root, name.slice(prefix.length));
        const rel = relative(root, target);
        if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
          stream.resume();
          return skip(name, 'the file is outside the target destination');
        }
        if (header.type === 'directory') {
          await mkdir(target, { recursive: true });
          stream.resume();
          return;
        }
        if (header.type === 'symlink' || header.type === 'link') {
          stream.resume();
          return skip(name, `a link (-> ${header.linkname ?? ''}) is not copied`);
        }
        if (header.type !== 'file' && header.type !== 'contiguous-file') {
          stream.resume();
          return skip(name, `a ${header.type ?? 'special'} entry is not copied`);
        }
        // A link already in the destination (not from this archive: its links are skipped) could
        // lead a write outside it: neither a linked folder on the way nor a linked file is followed.
        if (await linkOnTheWay(root, dirname(target))) {
          stream.resume();
          return skip(name, 'a folder on its way is a link in the destination');
        }
        await mkdir(dirname(target), { recursive: true });
        const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
        let file: FileHandle;
        try {
          file = await open(target, flags, (header.mode ?? 0o644) & 0o777);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
          stream.resume();
          return skip(name, 'the file in the destination is a link');
        }
        await pipeline(stream, file.createWriteStream());
        files.push(target);
      })().then(() => finish(), finish);
    });
    ex.once('finish', () => res());
    ex.once('error', rej);
  });
  archive.once('error', (err) => ex.destroy(err));
  archive.pipe(ex as unknown as NodeJS.WritableStream);
  await done;
  return { files, skipped };
}
