// Generating from CRDs in one streaming pass, so memory stays bounded by the largest document
// rather than growing with the input: each file is read and split into documents one at a time,
// each served CRD version is named, rendered and written to its own types file at once, and only
// names, scope and a fingerprint per resource are kept (to skip repeats, refuse conflicts and
// write the clients at the end). Progress lines every few seconds on large inputs.
import { basename } from 'node:path';
import type { CrdVersion } from './crd-model.js';
import { crdVersions } from './crd-model.js';
import { inputFiles, readDocuments } from './crd-input.js';
import { CrdPlanner, clientModel, META_NAMES, type PlannedGroupVersion, type PlannedResource } from './crd-plan.js';
import { renderCrdTypes } from './crd-types.js';
import {
  type ClientStyle,
  generatedHeader,
  renderClientset,
  renderGroupVersionClient,
  renderKinds,
} from './emit-clients.js';
import { informerRuntimeFor, renderCrdInformerIndex, renderCrdInformers, renderCrdListers } from './crd-informers.js';
import { CodegenError } from './errors.js';
import { detach } from './names.js';
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
  /** Least time between two progress lines (default 2000 ms). */
  progressEveryMs?: number;
}

function gvk(v: { group: string; version: string; kind: string }): string {
  return `${v.group}/${v.version}/${v.kind}`;
}

/** A progress reporter that speaks at most every few seconds. */
function throttled(log: (line: string) => void, everyMs: number): (line: () => string) => void {
  let last = Date.now();
  return (line) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    log(line());
  };
}

/** The resources seen so far: first occurrence wins, an identical repeat is skipped, a different one refused. */
class SeenResources {
  readonly byKey = new Map<string, Omit<CrdVersion, 'schema'>>();
  private readonly plurals = new Map<string, string>();
  repeats = 0;

  /** True when `v` is new; false for a repeat; throws for a conflicting repeat. */
  admit(v: CrdVersion, log: (line: string) => void): boolean {
    const key = gvk(v);
    const first = this.byKey.get(key);
    if (first) {
      if (first.fingerprint !== v.fingerprint) {
        throw new CodegenError(
          `CustomResourceDefinition ${v.crdName} (${key}) is given twice with different contents, in ${first.source} and in ${v.source}; give it once`,
        );
      }
      if (this.repeats++ < 5) log(`codegen: ${v.source}: ${v.crdName} ${v.version} repeats ${first.source}; skipped`);
      return false;
    }
    const pluralKey = `${v.group}/${v.version}/${v.plural}`;
    const other = this.plurals.get(pluralKey);
    if (other !== undefined && other !== v.kind) {
      throw new CodegenError(
        `${v.source}: resource ${v.plural}.${v.group}/${v.version} is defined for two kinds, ${other} and ${v.kind}`,
      );
    }
    this.plurals.set(detach(pluralKey), detach(v.kind));
    const { schema: _schema, ...meta } = v;
    // A fresh copy: strings cut from the document would keep the whole document in memory.
    this.byKey.set(detach(key), JSON.parse(JSON.stringify(meta)) as Omit<CrdVersion, 'schema'>);
    return true;
  }
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
  const out = await StagedOutput.open(options.outDir);
  const seen = new SeenResources();
  const planner = new CrdPlanner();
  try {
    const progress = throttled(log, options.progressEveryMs ?? PROGRESS_EVERY_MS);
    for (const [i, file] of files.entries()) {
      for await (const doc of readDocuments(file)) {
        // Also within a file, so that one large multi-document file reports progress too.
        progress(
          () => `codegen: reading ${file} (${i + 1}/${files.length} files), ${seen.byKey.size} resources so far`,
        );
        for (const v of crdVersions(doc) ?? []) {
          if (!seen.admit(v, log)) continue;
          const { gv, resource } = planner.add(seen.byKey.get(gvk(v))!);
          const pathToRoot = '../'.repeat(resource.file.split('/').length - 1);
          const types = renderCrdTypes(v, gv.names, resource.typeName, resource.listTypeName, META_NAMES);
          await out.write(resource.file, typesFile(resource, types, runtimeFor(runtime, pathToRoot).apimachinery));
        }
      }
      progress(() => `codegen: read ${i + 1}/${files.length} files, ${seen.byKey.size} resources so far`);
    }
    if (seen.repeats > 5) log(`codegen: ${seen.repeats} repeated CRD versions skipped in all`);
    if (seen.byKey.size === 0) {
      throw new CodegenError(
        `${options.paths.join(', ')}: no CustomResourceDefinition with a served version; nothing to generate`,
      );
    }
    const plan = planner.groupVersions();
    log(
      `codegen: ${seen.byKey.size} CRD versions in ${files.length} files, ${plan.length} group versions, ${seen.byKey.size} resources`,
    );
    const model = clientModel(plan);
    for (const gv of plan) await out.write(`types/${gv.mod}.ts`, groupVersionTypes(gv));
    for (const [i, gv] of plan.entries()) {
      await out.write(
        `clientset/${gv.accessor}.ts`,
        renderGroupVersionClient(model[i]!, runtimeFor(runtime, '../', true), '../', STYLE),
      );
    }
    for (const gv of plan) {
      await out.write(`listers/${gv.accessor}.ts`, renderCrdListers(gv, informerRuntimeFor(runtime, '../'), STYLE));
      await out.write(`informers/${gv.accessor}.ts`, renderCrdInformers(gv, informerRuntimeFor(runtime, '../'), STYLE));
    }
    await out.write('informers.ts', renderCrdInformerIndex(plan, informerRuntimeFor(runtime, ''), STYLE));
    await out.write('clientset.ts', renderClientset(model, runtimeFor(runtime, ''), STYLE));
    await out.write('kinds.ts', renderKinds(model, runtimeFor(runtime, ''), STYLE));
    const clientExports = plan.map((gv) => `export * as ${gv.accessor} from './clientset/${gv.accessor}.js';`);
    const typeExports = plan.flatMap((gv) => [
      `export type * as ${gv.alias} from './types/${gv.mod}.js';`,
      `export * as ${gv.accessor}Informers from './informers/${gv.accessor}.js';`,
      `export * as ${gv.accessor}Listers from './listers/${gv.accessor}.js';`,
    ]);
    await out.write(
      'index.ts',
      `${generatedHeader(STYLE)}// Types (one namespace per group version), typed clients, Clientset, kinds, informers, listers.\nexport { Clientset } from './clientset.js';\nexport { Informers, informersFor } from './informers.js';\nexport { kinds } from './kinds.js';\n${clientExports.join('\n')}\n${typeExports.join('\n')}\n`,
    );
    await out.commit();
  } catch (err) {
    await out.discard();
    throw err;
  }
  log(
    `codegen: wrote ${out.files} files (${(out.bytes / 1024).toFixed(0)} KiB) to ${options.outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const kinds = seen.byKey.size;
  return {
    files: out.files,
    bytes: out.bytes,
    definitions: kinds * 2,
    groupVersions: planner.groupVersions().length,
    kinds,
  };
}
