import { parseArgs } from 'node:util';
import { META_ACTION_SOURCES } from '../../../shared/domain/settings';
import type { MetaConnectionView } from '../../../shared/domain/send';
import { sendServiceForContext } from '../../send/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError, type CliIo } from '../io';
import { runGoogleConnections } from './google';

function showMeta(io: CliIo, view: MetaConnectionView, json: boolean): void {
  if (json) return printJson(io, view);
  if (!view.connected) return io.out('Meta: not connected');
  io.out(`Meta: ${view.summary}`);
  io.out(`  action source: ${view.actionSource}; test event code: ${view.testEventCode ?? 'none'}; app secret: ${view.hasAppSecret ? 'set (appsecret_proof sent)' : 'not set'}`);
  io.out(`  secrets kept in: ${view.secretStore}`);
}

/** Reads a secret from the environment variable the user named (never from argv, which lands in shell history). */
function secretFromEnv(variable: string | undefined, flag: string): string | undefined {
  if (variable === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--${flag} takes the NAME of an environment variable (e.g. META_TOKEN), not the secret itself`);
  const value = process.env[variable];
  if (!value) throw new UsageError(`environment variable ${variable} (named by --${flag}) is empty or not set`);
  return value;
}

export const connectionsCommand: CliCommand = {
  name: 'connections',
  summary: 'Connect the app to a platform (Meta, Google Ads)',
  usage:
    'connections google connect --client-id ID --client-secret-env VAR --customer-id N [--login-customer-id M] [--refresh-token-env VAR] | connections google test|show|remove [--json] | connections meta set --dataset-id ID --token-env VAR [--app-secret-env VAR] [--test-event-code CODE] [--action-source physical_store|system_generated|…] | connections meta test|show|remove [--json]',
  async run(ctx, args, io) {
    if (args[0] === 'google') return runGoogleConnections(ctx, args.slice(1), io);
    const { values, positionals } = parseArgs({
      args,
      options: {
        'dataset-id': { type: 'string' },
        'token-env': { type: 'string' },
        'app-secret-env': { type: 'string' },
        'test-event-code': { type: 'string' },
        'action-source': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const [platform, action] = positionals;
    if (platform !== 'meta') throw new UsageError('connections takes a platform: connections meta set|test|show|remove, connections google connect|test|show|remove');
    const meta = sendServiceForContext(ctx).meta;
    switch (action) {
      case 'set': {
        const datasetId = values['dataset-id'];
        if (!datasetId) throw new UsageError('connections meta set needs --dataset-id ID (Events Manager → Data sources → your dataset)');
        const actionSource = values['action-source'];
        if (actionSource !== undefined && !(META_ACTION_SOURCES as readonly string[]).includes(actionSource)) {
          throw new UsageError(`--action-source must be one of ${META_ACTION_SOURCES.join(', ')}`);
        }
        const view = await meta.set({
          datasetId,
          accessToken: secretFromEnv(values['token-env'], 'token-env'),
          appSecret: secretFromEnv(values['app-secret-env'], 'app-secret-env'),
          testEventCode: values['test-event-code'],
          actionSource: actionSource as (typeof META_ACTION_SOURCES)[number] | undefined,
        });
        showMeta(io, view, values.json);
        return 0;
      }
      case 'show':
        showMeta(io, meta.view(), values.json);
        return 0;
      case 'remove':
        showMeta(io, await meta.remove(), values.json);
        return 0;
      case 'test': {
        const result = await meta.test();
        if (values.json) printJson(io, result);
        else (result.ok ? io.out : io.err)(`${result.ok ? 'ok' : 'failed'}: ${result.message}${result.platformIds.fbtrace_id ? ` (fbtrace_id ${result.platformIds.fbtrace_id})` : ''}`);
        return result.ok ? 0 : 1;
      }
      default:
        throw new UsageError('connections meta takes set, test, show or remove');
    }
  },
};
