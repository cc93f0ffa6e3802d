import type { SecretStoreLike } from '../../src/main/google/connection';
import { googleEndpoints } from '../../src/main/google/config';
import { FakeGoogle, type FakeCustomer } from '../fakes/google';

/** An in-memory stand-in for the app's SecretStore (the store itself has its own tests). */
export class MemorySecrets implements SecretStoreLike {
  readonly values = new Map<string, string>();
  get(name: string) {
    return this.values.get(name) ?? null;
  }
  set(name: string, value: string) {
    this.values.set(name, value);
  }
  delete(name: string) {
    this.values.delete(name);
  }
}

export const CUSTOMER_ID = '1234567890';
export const MANAGER_ID = '9876543210';

export const ACTIONS = [
  { id: '111', name: 'Offline purchase', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
  { id: '222', name: 'Qualified lead', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
  { id: '333', name: 'Sign-up', type: 'UPLOAD_CLICKS', status: 'ENABLED' },
  { id: '444', name: 'Website purchase', type: 'WEBPAGE', status: 'ENABLED' },
  { id: '555', name: 'Old import', type: 'UPLOAD_CLICKS', status: 'HIDDEN' },
];

export function fakeCustomer(overrides: Partial<FakeCustomer> = {}): FakeCustomer {
  return { customerId: CUSTOMER_ID, managerId: MANAGER_ID, actions: ACTIONS, ...overrides };
}

export async function startFake(options: ConstructorParameters<typeof FakeGoogle>[0] = {}): Promise<FakeGoogle> {
  return new FakeGoogle({ customers: [fakeCustomer()], ...options }).start();
}

export function endpointsOf(fake: FakeGoogle) {
  return googleEndpoints(fake.env());
}
