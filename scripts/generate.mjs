// npm run generate: regenerates src/generated from the committed Kubernetes v1.35.0 OpenAPI spec.
// It compiles only the generator first, so a broken src/generated never blocks regeneration.
import { spawnSync } from 'node:child_process';

process.stdout.write('generate: compiling the generator (src/codegen)...\n');
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.codegen.json'], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write('generate: the generator does not compile; fix the errors above.\n');
  process.exit(1);
}
const { generate } = await import('../.build/codegen/codegen/index.js');
const result = await generate({
  specPath: 'api/openapi/kubernetes-v1.35.0-swagger.json',
  outDir: 'src/generated',
  runtime: '..',
  log: (line) => process.stdout.write(`${line}\n`),
});
const crd = await generate({
  crdPath: 'examples/sample-controller/crd.yaml',
  outDir: 'examples/sample-controller/generated',
  runtime: 'kube-client',
  log: (line) => process.stdout.write(`${line}\n`),
});
// Both samples' Foo code imports the package itself (kube-client/...), as a user's would.
const toolkitFoo = await generate({
  crdPath: 'examples/sample-controller/crd.yaml',
  outDir: 'examples/sample-controller-toolkit/generated',
  runtime: 'kube-client',
  log: (line) => process.stdout.write(`${line}\n`),
});
// The client the live round trip (test/integration/codegen-crd.test.ts) uses: a CRD with status
// and scale subresources.
const replicators = await generate({
  crdPath: 'test/fixtures/crds/scale-status.yaml',
  outDir: 'test/fixtures/generated/replicators',
  runtime: '../../../../src',
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(
  `generate: done: src/generated holds ${result.kinds} resources of ${result.groupVersions} group versions (${result.files} files); examples/sample-controller/generated holds the Foo client (${crd.files} files), examples/sample-controller-toolkit/generated the toolkit sample's (${toolkitFoo.files} files); test/fixtures/generated/replicators the Replicator client (${replicators.files} files).\n`,
);
