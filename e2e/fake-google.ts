import { FakeGoogle } from '../test/fakes/google';

/** The conversion actions of the fake account: two importable, one web action the app must not offer. */
const ACTIONS = [
  { id: '111', name: 'Offline purchase', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
  { id: '222', name: 'Qualified lead', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
  { id: '444', name: 'Website purchase', type: 'WEBPAGE', status: 'ENABLED' },
];

/**
 * Starts the fake Google (one customer reached through a manager) and points the app at it: the harness,
 * started per test after this, inherits these loopback overrides.
 */
export async function startFakeGoogle(): Promise<FakeGoogle> {
  const fake = await new FakeGoogle({ customers: [{ customerId: '1234567890', managerId: '9876543210', actions: ACTIONS }] }).start();
  Object.assign(process.env, fake.env());
  return fake;
}
