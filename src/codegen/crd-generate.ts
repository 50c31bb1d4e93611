// Generating from CRDs in two streaming passes, so memory stays bounded by the largest document
// rather than growing with the input: the first pass reads every document and keeps only names,
// scope and a fingerprint per served version (repeats skipped, conflicts refused); the names of
// everything are then fixed; the second pass reads the documents again and writes each kind's
// types file as soon as it is rendered. Progress lines every few seconds on large inputs.
import { basename } from 'node:path';
import type { CrdVersion } from './crd-model.js';
import { crdVersions } from './crd-model.js';
import { documentsOf, inputFiles, readInputFile } from './crd-input.js';
import {
  clientModel,
  META_NAMES,
  type PlannedGroupVersion,
  type PlannedResource,
  planGroupVersions,
} from './crd-plan.js';
import { renderCrdTypes } from './crd-types.js';
import {
  type ClientStyle,
  generatedHeader,
  renderClientset,
  renderGroupVersionClient,
  renderKinds,
} from './emit-clients.js';
import { CodegenError } from './errors.js';
import type { GenerateResult } from './generate.js';
import { StagedOutput } from './output-dir.js';
import { runtimeFor } from './runtime-imports.js';

const STYLE: ClientStyle = { source: 'CustomResourceDefinitions', typedPatch: true };
const PROGRESS_EVERY_MS = 2000;

/** Options of {@link generateFromCrds}. */
export interface CrdGenerateOptions {
  /** CRD files and folders. */
  paths: string[];
  outDir: string;
  runtime?: string;
  log?: (line: string) => void;
}

/** Calls `fn` for each CRD version of every input document, in input order. */
async function eachVersion(
  files: string[],
  fn: (v: CrdVersion) => void | Promise<void>,
  onFile?: (index: number) => void,
): Promise<void> {
  for (const [i, file] of files.entries()) {
    const text = await readInputFile(file);
    for (const doc of documentsOf(text, file)) {
      for (const v of crdVersions(doc) ?? []) await fn(v);
    }
    onFile?.(i + 1);
  }
}

function gvk(v: { group: string; version: string; kind: string }): string {
  return `${v.group}/${v.version}/${v.kind}`;
}

/** A progress reporter that speaks at most every few seconds. */
function throttled(log: (line: string) => void): (line: () => string) => void {
  let last = Date.now();
  return (line) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    log(line());
  };
}

/** Pass 1: what resources the input holds (first occurrence wins; a different repeat is an error). */
async function indexInput(
  files: string[],
  log: (line: string) => void,
): Promise<Map<string, Omit<CrdVersion, 'schema'>>> {
  const found = new Map<string, Omit<CrdVersion, 'schema'>>();
  const plurals = new Map<string, string>();
  const progress = throttled(log);
  let repeats = 0;
  await eachVersion(
    files,
    (v) => {
      const key = gvk(v);
      const first = found.get(key);
      if (first) {
        if (first.fingerprint !== v.fingerprint) {
          throw new CodegenError(
            `CustomResourceDefinition ${v.crdName} (${key}) is given twice with different contents, in ${first.source} and in ${v.source}; give it once`,
          );
        }
        if (repeats++ < 5) log(`codegen: ${v.source}: ${v.crdName} ${v.version} repeats ${first.source}; skipped`);
        return;
      }
      const pluralKey = `${v.group}/${v.version}/${v.plural}`;
      const other = plurals.get(pluralKey);
      if (other !== undefined && other !== v.kind) {
        throw new CodegenError(
          `${v.source}: resource ${v.plural}.${v.group}/${v.version} is defined for two kinds, ${other} and ${v.kind}`,
        );
      }
      plurals.set(pluralKey, v.kind);
      const { schema: _schema, ...meta } = v;
      found.set(key, meta);
    },
    (n) => progress(() => `codegen: indexed ${n}/${files.length} files, ${found.size} resources`),
  );
  if (repeats > 5) log(`codegen: ${repeats} repeated CRD versions skipped in all`);
  return found;
}

function typesFile(r: PlannedResource, text: string, apimachinery: string): string {
  const head =
    `${generatedHeader(STYLE)}// ${r.crd.kind} (${r.crd.group}/${r.crd.version}) from CustomResourceDefinition ${r.crd.crdName}.\n` +
    `import type { ${META_NAMES.listMeta}, ${META_NAMES.objectMeta} } from '${apimachinery}';\n\n`;
  return head + text;
}

function groupVersionTypes(gv: PlannedGroupVersion): string {
  const version = gv.mod.split('/').pop()!;
  const lines = gv.resources.map((r) => `export type * from './${version}/${basename(r.file, '.ts')}.js';`);
  return `${generatedHeader(STYLE)}// Types of ${gv.group}/${gv.version}: one file per kind.\n${lines.join('\n')}\n`;
}

/**
 * Generates types and clients for the CRDs in `paths` (files or folders) into `outDir`. Throws a
 * CodegenError for unreadable or invalid input, a v1beta1 CRD, a CRD given twice with different
 * contents, names that would collide, or no served CRD version; the output folder is then left
 * as it was.
 *
 * @example
 * await generateFromCrds({ paths: ['config/crd'], outDir: 'src/gen', log: console.log });
 */
export async function generateFromCrds(options: CrdGenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => {});
  const runtime = options.runtime ?? 'kube-client';
  const started = Date.now();
  log(`codegen: reading CRDs from ${options.paths.join(', ')}`);
  const files = await inputFiles(options.paths);
  const found = await indexInput(files, log);
  if (found.size === 0) {
    throw new CodegenError(
      `${options.paths.join(', ')}: no CustomResourceDefinition with a served version; nothing to generate`,
    );
  }
  const plan = planGroupVersions(found.values());
  const byKey = new Map<string, [PlannedGroupVersion, PlannedResource]>();
  for (const gv of plan) for (const r of gv.resources) byKey.set(gvk(r.crd), [gv, r]);
  log(
    `codegen: ${found.size} CRD versions in ${files.length} files, ${plan.length} group versions, ${found.size} resources`,
  );

  const out = await StagedOutput.open(options.outDir);
  try {
    const progress = throttled(log);
    let done = 0;
    await eachVersion(files, async (v) => {
      const entry = byKey.get(gvk(v));
      if (!entry || entry[1].crd.source !== v.source) return; // a skipped repeat
      const [gv, r] = entry;
      const pathToRoot = '../'.repeat(r.file.split('/').length - 1);
      const text = renderCrdTypes(v, gv.names, r.typeName, r.listTypeName, META_NAMES);
      await out.write(r.file, typesFile(r, text, runtimeFor(runtime, pathToRoot).apimachinery));
      done++;
      progress(() => `codegen: wrote the types of ${done}/${found.size} resources`);
    });
    const model = clientModel(plan);
    for (const gv of plan) await out.write(`types/${gv.mod}.ts`, groupVersionTypes(gv));
    for (const [i, gv] of plan.entries()) {
      await out.write(
        `clientset/${gv.accessor}.ts`,
        renderGroupVersionClient(model[i]!, runtimeFor(runtime, '../', true), '../', STYLE),
      );
    }
    await out.write('clientset.ts', renderClientset(model, runtimeFor(runtime, ''), STYLE));
    await out.write('kinds.ts', renderKinds(model, runtimeFor(runtime, ''), STYLE));
    const clientExports = plan.map((gv) => `export * as ${gv.accessor} from './clientset/${gv.accessor}.js';`);
    const typeExports = plan.map((gv) => `export type * as ${gv.alias} from './types/${gv.mod}.js';`);
    await out.write(
      'index.ts',
      `${generatedHeader(STYLE)}// Types (one namespace per group version), typed clients, Clientset, kinds.\nexport { Clientset } from './clientset.js';\nexport { kinds } from './kinds.js';\n${clientExports.join('\n')}\n${typeExports.join('\n')}\n`,
    );
    await out.commit();
  } catch (err) {
    await out.discard();
    throw err;
  }
  log(
    `codegen: wrote ${out.files} files (${(out.bytes / 1024).toFixed(0)} KiB) to ${options.outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    files: out.files,
    bytes: out.bytes,
    definitions: found.size * 2,
    groupVersions: plan.length,
    kinds: found.size,
  };
}
