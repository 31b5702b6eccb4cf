// npm run test:faults -- --rounds 50 [--reports 50]: the fault rounds of
// test/integration/faults.test.ts, as many times as asked. Exits non-zero on any loss
// or duplicate.
import { runFaultRounds } from '../test/support/faults.ts';

const arg = (n: string, d: number): number => (process.argv.includes(n) ? Number(process.argv[process.argv.indexOf(n) + 1]) : d);
const rounds = arg('--rounds', 50);
const reports = arg('--reports', 50);
const s = await runFaultRounds({ rounds, reports, log: (m) => console.log(m) });
const problems: string[] = [];
for (const [id, n] of s.casesPerReport) if (n !== 1) problems.push(`${id}: ${n} cases`);
for (const [id, ids] of s.ackIdsPerReport) if (ids.size !== 1) problems.push(`${id}: ${ids.size} ack Message-IDs`);
if (s.casesPerReport.size !== rounds * reports) problems.push(`${s.casesPerReport.size} reports stored, expected ${rounds * reports}`);
if (s.ackIdsPerReport.size !== rounds * reports) problems.push(`${s.ackIdsPerReport.size} reports acknowledged, expected ${rounds * reports}`);
if (s.unfinished > 0) problems.push(`${s.unfinished} messages unfinished`);
if (s.inboxLeft > 0) problems.push(`${s.inboxLeft} messages left in the desk's INBOX`);
console.log(`rounds=${s.rounds} reports=${rounds * reports} kills=${s.kills} kicks=${s.kicks} redis_restarts=${s.redisRestarts} cases=${s.cases} processed=${s.processed} seconds=${s.seconds.toFixed(0)}`);
console.log(problems.length === 0 ? 'fault rounds: no loss, no duplicate' : `fault rounds FAILED:\n${problems.join('\n')}`);
process.exit(problems.length === 0 ? 0 : 1);
