import { parseArgs } from 'node:util';
import { DESTINATION_NAMES, type DestinationName, type SendResult } from '../../../shared/domain/send';
import { sendServiceForContext } from '../../send/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError, type CliIo } from '../io';
import { FILTER_KEYS, filterFromOptions } from './events';

// `--to` names the destination here, so the time filter's end is `--until ISO` (`--from ISO` as elsewhere).
const { to: _timeTo, ...SEND_FILTER_KEYS } = FILTER_KEYS;

function printResult(io: CliIo, result: SendResult, json: boolean): void {
  if (json) {
    printJson(io, {
      runId: result.runId,
      status: result.status,
      sent: result.sent,
      failed: result.failed.map((f) => ({ eventId: f.eventId, code: f.code, reason: f.reason })),
      excluded: result.excluded.map((e) => ({ eventId: e.eventId, reason: e.reason })),
      requests: result.requests,
      dryRun: result.dryRun,
      retries: result.retries,
      resentRequests: result.resentRequests,
      error: result.error,
    });
    return;
  }
  const verb = result.dryRun ? 'would be accepted' : 'sent';
  io.out(`Run ${result.runId} (${result.destination}${result.dryRun ? ', dry run' : ''}): ${result.status}; ${result.sent} ${verb}, ${result.failedCount} failed, ${result.excludedCount} excluded by the pre-flight, ${result.requests} request(s), ${result.retries} retr${result.retries === 1 ? 'y' : 'ies'}`);
  if (result.resentRequests) io.out(`  ${result.resentRequests} request(s) left without an answer by an interrupted run were resent first (same event ids)`);
  if (result.error) io.out(`  ${result.error}`);
  for (const f of result.failed) io.out(`  failed ${f.eventId}: ${f.code} ${f.reason}`);
  for (const e of result.excluded) io.out(`  excluded ${e.eventId}: ${e.reason}`);
}

export const sendCommand: CliCommand = {
  name: 'send',
  summary: 'Send queued events to a platform through its API',
  usage: 'send --to meta [filter options as in events list; --until ISO for the time filter\'s end] [--dry-run] [--json] | send status [RUN_ID] [--json]',
  async run(ctx, args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        ...SEND_FILTER_KEYS,
        to: { type: 'string' },
        until: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const service = sendServiceForContext(ctx);
    if (positionals[0] === 'status') {
      // The CLI lists every failed and excluded event.
      printResult(io, service.status(positionals[1], Number.MAX_SAFE_INTEGER), values.json);
      return 0;
    }
    if (positionals.length) throw new UsageError(`send takes --to DESTINATION or "status [RUN_ID]", not "${positionals.join(' ')}"`);
    const to = values.to as DestinationName | undefined;
    if (!to || !DESTINATION_NAMES.includes(to)) throw new UsageError(`send needs --to ${DESTINATION_NAMES.join('|')}`);
    const filter = filterFromOptions({ ...values, to: values.until }, '');
    const { runId, done } = await service.start({ to, filter, dryRun: values['dry-run'] }, { listLimit: Number.MAX_SAFE_INTEGER });
    // Ctrl-C: stop starting requests; the ones in flight finish and are recorded.
    const onSigint = () => {
      io.err('convdesk: cancelling — waiting for the requests in flight to be answered and recorded…');
      service.cancel(runId);
    };
    process.once('SIGINT', onSigint);
    try {
      const result = await done;
      printResult(io, result, values.json);
      if (result.status === 'completed') return 0;
      if (!values.json && result.error) io.err(`convdesk: ${result.error}`);
      // 1: could not run (connection refused); 3: stopped early, send again later; 130: cancelled.
      return result.stopKind === 'cancelled' ? 130 : result.stopKind === 'rate_limit' || result.stopKind === 'retries' ? 3 : 1;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};
