import { parseArgs } from 'node:util';
import type { AppContext } from '../../app/context';
import type { GoogleConnectionView } from '../../google/connection';
import { sendServiceForContext } from '../../send/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError, type CliIo } from '../io';

function showGoogle(io: CliIo, view: GoogleConnectionView, json: boolean): void {
  if (json) return printJson(io, view);
  if (view.state === 'not_connected') return io.out('Google Ads: not connected');
  io.out(`Google Ads: ${view.state === 'connected' ? 'connected' : 'RECONNECT GOOGLE'} — customer ${view.customerId}${view.loginCustomerId ? ` through manager ${view.loginCustomerId}` : ''}, OAuth client ${view.clientId}`);
  if (view.lastError) io.out(`  ${view.lastError}`);
  if (view.actionsCount !== null) io.out(`  ${view.actionsCount} conversion action(s) listed at ${view.actionsFetchedAt}`);
}

/** Reads a secret from the environment variable the user named (never from argv, which lands in shell history). */
function secretFromEnv(variable: string | undefined, flag: string): string | undefined {
  if (variable === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--${flag} takes the NAME of an environment variable (e.g. GOOGLE_CLIENT_SECRET), not the secret itself`);
  const value = process.env[variable];
  if (!value) throw new UsageError(`environment variable ${variable} (named by --${flag}) is empty or not set`);
  return value;
}

/** `convdesk connections google connect|test|show|remove` (dispatched from the connections command). */
export async function runGoogleConnections(ctx: AppContext, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'client-id': { type: 'string' },
      'client-secret-env': { type: 'string' },
      'customer-id': { type: 'string' },
      'login-customer-id': { type: 'string' },
      'refresh-token-env': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const google = sendServiceForContext(ctx).google;
  switch (positionals[0]) {
    case 'connect': {
      const clientId = values['client-id'];
      const customerId = values['customer-id'];
      if (!clientId || !customerId || !values['client-secret-env']) {
        throw new UsageError('connections google connect needs --client-id ID --client-secret-env VAR --customer-id N [--login-customer-id M] [--refresh-token-env VAR]');
      }
      const input = { clientId, clientSecret: secretFromEnv(values['client-secret-env'], 'client-secret-env')!, customerId, loginCustomerId: values['login-customer-id'] ?? null };
      const refreshToken = secretFromEnv(values['refresh-token-env'], 'refresh-token-env');
      if (refreshToken) {
        showGoogle(io, await google.connectWithRefreshToken({ ...input, refreshToken }), values.json);
        return 0;
      }
      const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
      if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout takes a number of seconds');
      const pending = await google.beginConnect(input, { timeoutMs });
      // The URL goes to stderr with --json so stdout stays one JSON document.
      (values.json ? io.err : io.out)(`Open this page in your browser and allow access (waiting for Google's answer on this computer):\n${pending.consentUrl}`);
      const onSigint = () => pending.cancel();
      process.once('SIGINT', onSigint);
      try {
        showGoogle(io, await pending.done, values.json);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      return 0;
    }
    case 'show':
      showGoogle(io, google.view(), values.json);
      return 0;
    case 'test': {
      const result = await google.test();
      if (values.json) printJson(io, result);
      else io.out(`ok: signed in; Google Ads account ${result.customerId} has ${result.actions} conversion action(s), ${result.usable} usable for imported conversions`);
      return 0;
    }
    case 'remove': {
      const result = await google.remove();
      if (values.json) printJson(io, result);
      else io.out(result.removed ? `Google Ads disconnected (${result.revoked === 'revoked' ? 'access revoked at Google' : 'the sign-in was already invalid at Google'})` : 'Google Ads was not connected');
      return 0;
    }
    default:
      throw new UsageError('connections google takes connect, test, show or remove');
  }
}

export const googleCommand: CliCommand = {
  name: 'google',
  summary: 'Google Ads account: conversion actions',
  usage: 'google conversion-actions [--json]',
  async run(ctx, args, io) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
    if (positionals[0] !== 'conversion-actions') throw new UsageError('google takes conversion-actions');
    const actions = await sendServiceForContext(ctx).google.refreshActions();
    if (values.json) printJson(io, actions);
    else if (!actions.length) io.out('The account has no conversion actions.');
    else for (const a of actions) io.out(`${a.id.padEnd(14)} ${a.usable ? 'usable ' : 'not usable'}  ${a.type.padEnd(16)} ${a.status.padEnd(8)} ${a.name}`);
    return 0;
  },
};
