// Reads tap's output and prints the closing line "N passed, N failed" (CI reads it).
// tap's last summary line looks like `# { total: 75, pass: 74, fail: 1, skip: 0 }`.
// A non-zero exit with no failed assertion (e.g. coverage below the thresholds) counts as one failure.
import { readFileSync } from 'node:fs';

const [file, rcArg] = process.argv.slice(2);
const rc = Number(rcArg ?? 0);
const lines = readFileSync(file, 'utf8').split('\n');
const summary = lines.reverse().find((l) => /^# \{ ?total: \d+/.test(l.trim()));
const count = (key) => Number(summary?.match(new RegExp(`${key}: (\\d+)`))?.[1] ?? 0);
const total = count('total');
const skip = count('skip') + count('todo');
const pass = count('pass');
let fail = count('fail');
if (total === 0 || summary === undefined) fail = Math.max(fail, 1);
if (rc !== 0 && fail === 0) fail = 1;
console.log(`${pass} passed, ${fail} failed${skip > 0 ? `, ${skip} skipped` : ''}`);
process.exit(rc !== 0 || fail > 0 ? 1 : 0);
