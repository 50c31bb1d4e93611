// A real one-node cluster in a test: start it, run a busybox Pod to completion, read its log,
// stop everything. `node examples/envtest-node/main.js` after `npm run build`-style compilation;
// CI compiles it with tsconfig.examples.json (docs/envtest.md shows the same code).
import { startControlPlane } from '../../src/envtest/index.js';
import { Clientset } from '../../src/kubernetes/index.js';

async function main(): Promise<void> {
  const cp = await startControlPlane({ node: true });
  try {
    const cs = Clientset.forConfig(cp.config);
    const images = cp.node!.images; // set whenever node: true
    await cs.coreV1.pods('default').create({
      metadata: { name: 'hello' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'hello', image: images.busybox, imagePullPolicy: 'Never', command: ['echo', 'hello from a pod'] },
        ],
      },
    });
    for (;;) {
      const pod = await cs.coreV1.pods('default').get('hello');
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(await cs.coreV1.pods('default').getLog('hello')); // "hello from a pod"
  } finally {
    await cp.stop(); // containers, mounts, the bridge and temp folders go too
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
