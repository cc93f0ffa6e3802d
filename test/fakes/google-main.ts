// The fake Google as a process of its own (benchmark; manual runs):
//   node out/node/fake-google.cjs [--port 0] [--lenient] [--delay-ms N]
// Prints {"url", "clientId", "clientSecret", "refreshToken", "customerId", "managerId"} on stdout when
// listening (a refresh token issued for the headless connect); GET /__fake__/stats answers the counts;
// stops on SIGTERM or stdin end.
import { FakeGoogle } from './google';

function arg(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const customerId = '1234567890';
const managerId = '9876543210';
const fake = new FakeGoogle({
  lenient: process.argv.includes('--lenient'),
  customers: [
    {
      customerId,
      managerId,
      actions: [
        { id: '111', name: 'Offline purchase', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
        { id: '222', name: 'Qualified lead', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
      ],
    },
  ],
});
fake.delayMs = Number(arg('--delay-ms') ?? 0);
void fake.start(Number(arg('--port') ?? 0)).then(() =>
  process.stdout.write(`${JSON.stringify({ url: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, refreshToken: fake.issueRefreshToken(), customerId, managerId })}\n`),
);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
