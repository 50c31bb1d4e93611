// Runs the replay server in a process of its own (the benchmark driver blocks while a scenario runs)
// and prints its URL. argv: number of events.
import { startReplayServer } from './replay-server.mjs';

const server = await startReplayServer(Number(process.argv[2] ?? 100000));
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
