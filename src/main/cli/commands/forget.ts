import { parseArgs } from 'node:util';
import { forgetPerson } from '../../privacy/service';
import type { CliCommand } from '../command';
import { printJson, UsageError } from '../io';

export const forgetCommand: CliCommand = {
  name: 'forget',
  summary: 'Delete every event of one person (email or phone, hashed with every platform’s rules)',
  usage: 'forget --email E | --phone P [--json]',
  run(ctx, args, io) {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, phone: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if ((values.email === undefined) === (values.phone === undefined)) throw new UsageError('give exactly one of --email E or --phone P');
    const outcome = forgetPerson(ctx.db, values.email !== undefined ? { email: values.email } : { phone: values.phone! });
    const counts = { events: outcome.eventsDeleted, history: outcome.historyDeleted, batchLinks: outcome.batchLinksDeleted, deliveries: outcome.deliveriesDeleted };
    if (values.json) printJson(io, counts);
    else io.out(`Deleted ${counts.events} event(s), ${counts.history} history row(s), ${counts.batchLinks} batch link(s), ${counts.deliveries} delivery record(s)`);
    return 0;
  },
};
