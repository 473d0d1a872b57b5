/**
 * `npm run bench [-- --quick]`: every performance figure beside its target,
 * and beside a peer or bound measured in the same run. Also written to
 * bench/results.json.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchAgentCpu } from './agent-cpu';
import { benchAlertLatency, benchRuleEvaluation } from './alert-latency';
import { benchIngest } from './ingest';
import { Results } from './lib';
import { benchPushLatency } from './push-latency';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = values.quick;
  const only = values.only?.split(',');
  const want = (name: string) => !only || only.includes(name);
  const results = new Results();
  console.log(`Genmon bench${quick ? ' (quick)' : ''}`);
  if (want('ingest')) await benchIngest(results, quick ? 200_000 : 1_000_000);
  if (want('push')) await benchPushLatency(results, quick ? 100 : 300);
  if (want('alert')) await benchAlertLatency(results, quick ? 30 : 100);
  if (want('rules')) await benchRuleEvaluation(results, quick ? 2000 : 20_000);
  if (want('cpu')) await benchAgentCpu(results, quick ? 20 : 60);
  results.print();
  results.write(join(__dirname, 'results.json'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
