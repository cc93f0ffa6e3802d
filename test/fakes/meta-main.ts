// The fake Meta as a process of its own (benchmark; manual runs):
//   node out/node/fake-meta.cjs [--port 0] [--lenient] [--delay-ms N] [--dataset ID] [--token TOKEN]
// Prints {"url"} on stdout when listening; GET /__fake__/stats answers the counts; stops on SIGTERM or stdin end.
import { FakeMeta } from './meta';

function arg(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const fake = new FakeMeta({
  datasets: [arg('--dataset') ?? '1234567890'],
  tokens: { [arg('--token') ?? 'EAAtest-valid-token-0000000000000000']: 'valid' },
  lenient: process.argv.includes('--lenient'),
  delayMs: Number(arg('--delay-ms') ?? 0),
});
void fake.start(Number(arg('--port') ?? 0)).then((url) => process.stdout.write(`${JSON.stringify({ url })}\n`));
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
