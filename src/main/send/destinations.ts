/**
 * Builds a destination from its connection (credentials read from the SecretStore in main and
 * handed to the send worker in memory) and the settings. One case per destination.
 */
import type { AppSettings } from '../../shared/domain/settings';
import type { DestinationName } from '../../shared/domain/send';
import type { Destination } from './destination';
import { createMetaDestination, type MetaCredentials } from './meta/destination';
import { createGoogleDestination, type GoogleCredentials } from '../google/destination';

export interface DestinationCredentials {
  meta?: MetaCredentials & { baseUrl: string; maxEventsPerRequest?: number; concurrency?: number };
  google_ads?: GoogleCredentials;
}

export function createDestination(name: DestinationName, credentials: DestinationCredentials, settings: AppSettings): Destination<unknown> {
  switch (name) {
    case 'meta': {
      const meta = credentials.meta;
      if (!meta) throw new Error('No Meta credentials');
      return createMetaDestination({ credentials: meta, settings, baseUrl: meta.baseUrl, maxEventsPerRequest: meta.maxEventsPerRequest, concurrency: meta.concurrency }) as Destination<unknown>;
    }
    case 'google_ads': {
      if (!credentials.google_ads) throw new Error('No Google credentials');
      return createGoogleDestination(credentials.google_ads, settings) as Destination<unknown>;
    }
  }
}
