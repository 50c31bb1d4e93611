// The API reference, generated from the doc comments by TypeDoc (typedoc-plugin-markdown) into
// docs/api/: one entry point per subpath export of package.json (kube-client, kube-client/rest,
// ...), so the reference shows exactly what a user can import.
//   node scripts/docs-api.mjs            writes docs/api/ (npm run docs:api)
//   node scripts/docs-api.mjs --check    writes nothing; fails on a type the public API uses but
//                                        does not export (notExported), a {@link} that does not
//                                        resolve (invalidLink), or an exported item (class,
//                                        interface, function, type, constant) without a doc comment
//                                        (undocumented); members without one (properties, methods
//                                        of interfaces) are counted (undocumentedMembers), and
//                                        listed with --list. test/unit/docs/api-reference.test.ts
//                                        runs the check.
// Prints one JSON summary line last. Items of src/generated (the Kubernetes API types, whose docs
// are the OpenAPI descriptions) are counted apart (undocumentedGenerated).
import { readFileSync } from 'node:fs';
import { Application, LogLevel } from 'typedoc';

const check = process.argv.includes('--check');
const list = process.argv.includes('--list');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const entryPoints = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'src/index.ts' : `src/${k.slice(2)}/index.ts`));

const counts = {
  notExported: 0,
  invalidLink: 0,
  undocumented: 0,
  undocumentedMembers: 0,
  undocumentedGenerated: 0,
  other: 0,
};
const undocumented = [];
const problems = [];
const app = await Application.bootstrapWithPlugins({
  entryPoints,
  tsconfig: 'tsconfig.esm.json',
  plugin: ['typedoc-plugin-markdown'],
  out: 'docs/api',
  readme: 'none',
  entryFileName: 'index.md',
  // The generated Kubernetes API types (src/generated) are documented by the upstream API
  // reference; their names stay visible where our signatures use them.
  excludeExternals: true,
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  disableSources: true,
  hideGenerator: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // Types that public signatures mention but that are not exported on purpose (helpers of a
  // signature, not something a user names). New ones fail the check: export them, or add them here.
  intentionallyNotExported: [
    'ObjectOf', // informers/factory.ts: maps a clientset accessor to its object type
    'MetaNames', // codegen/crd-types.ts: renderCrdTypes' naming options
    'Source', // controller/controller.ts: a Controller's watched source, built by ControllerBuilder
    'RequestContext', // rest/request.ts: what a RESTClient hands to each Request it creates
    'Serialized', // kubernetes/typed-resource-client.ts: string | Uint8Array of a patch body
  ],
  logLevel: LogLevel.Warn,
});
// Sort TypeDoc's validation warnings into counts (the message names the failed rule).
const logger = app.logger;
const warn = logger.warn.bind(logger);
logger.warn = (message, ...rest) => {
  const text = String(message);
  if (/does not have any documentation/.test(text)) {
    // "<module>.<Name>[.<member>...] (<Kind>), defined in <file>, does not have any documentation"
    const path = text.replace(/ \(.*$/s, '');
    const topLevel = !path.slice(path.indexOf('.') + 1).includes('.');
    if (text.includes('/src/generated/')) counts.undocumentedGenerated++;
    else if (topLevel) counts.undocumented++;
    else counts.undocumentedMembers++;
    undocumented.push(text);
    if (topLevel && !text.includes('/src/generated/')) warn(message, ...rest);
    return;
  }
  if (/not included in the documentation/.test(text)) counts.notExported++;
  else if (/Failed to resolve link|failed to resolve|unresolved link/i.test(text)) counts.invalidLink++;
  else counts.other++;
  problems.push(text);
  warn(message, ...rest);
};

const project = await app.convert();
if (!project) throw new Error('TypeDoc could not convert the project (see the errors above)');
app.validate(project);
if (!check) await app.generateOutputs(project);
if (list) for (const u of undocumented) process.stdout.write(`${u}\n`);
const failed = counts.notExported + counts.invalidLink + counts.undocumented + counts.other > 0 || logger.hasErrors();
process.stdout.write(
  `${JSON.stringify({ entryPoints: entryPoints.length, ...counts, written: check ? null : 'docs/api', ok: !failed })}\n`,
);
process.exitCode = failed ? 1 : 0;
