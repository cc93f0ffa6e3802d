import { parseArgs } from 'node:util';
import { DESTINATION_NAMES, type DestinationName, type SendResult } from '../../../shared/domain/send';
import type { RunDiagnostics } from '../../google/diagnostics';
import { sendServiceForContext } from '../../send/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError, type CliIo } from '../io';
import { FILTER_KEYS, filterFromOptions } from './events';

// `--to` names the destination here, so the time filter's end is `--until ISO` (`--from ISO` as elsewhere).
const { to: _timeTo, ...SEND_FILTER_KEYS } = FILTER_KEYS;

function printResult(io: CliIo, result: SendResult, json: boolean, diagnostics?: RunDiagnostics): void {
  if (json) {
    printJson(io, {
      ...(diagnostics ? { diagnostics } : {}),
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
  if (diagnostics) printDiagnostics(io, diagnostics);
}

/** "sent" means accepted by Google; its processing results come later, as counts by reason. */
function printDiagnostics(io: CliIo, diagnostics: RunDiagnostics): void {
  io.out('Google processing results ("sent" = accepted by Google; Google reports later how many it could use):');
  if (!diagnostics.requests.length) io.out('  no request to report on (dry run, or nothing was sent)');
  for (const r of diagnostics.requests) {
    const errors = r.errors.map((e) => `${e.reason} ${e.count}`).join(', ');
    io.out(`  request ${r.googleRequestId}: ${r.status}, ${r.events} event(s)${errors ? `; not processed: ${errors}` : ''}${r.nextPollAt ? `; next check ${r.nextPollAt}` : ''}${r.lastError ? `; last check failed: ${r.lastError}` : ''}`);
  }
}

export const sendCommand: CliCommand = {
  name: 'send',
  summary: 'Send queued events to a platform through its API',
  usage: 'send --to meta|google [filter options as in events list; --until ISO for the time filter\'s end] [--dry-run] [--json] | send status [RUN_ID] [--json]',
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
      const result = service.status(positionals[1], Number.MAX_SAFE_INTEGER);
      if (result.destination !== 'google_ads') {
        printResult(io, result, values.json);
        return 0;
      }
      // Google: ask for the processing results of the run's requests that are not final yet.
      await service.googleDiagnostics.poll({ runId: result.runId, force: true });
      const diagnostics = service.googleDiagnostics.forRun(result.runId);
      printResult(io, result, values.json, diagnostics);
      return 0;
    }
    if (positionals.length) throw new UsageError(`send takes --to DESTINATION or "status [RUN_ID]", not "${positionals.join(' ')}"`);
    // `--to google` is Google Ads (the delivery destination google_ads).
    const to = (values.to === 'google' ? 'google_ads' : values.to) as DestinationName | undefined;
    if (!to || !DESTINATION_NAMES.includes(to)) throw new UsageError('send needs --to meta|google');
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
