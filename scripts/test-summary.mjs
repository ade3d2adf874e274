// Prints one closing line over all vitest projects of `npm test` ("N passed, N failed, N skipped").
// Skipped tests are reported, never counted as passed.
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve('test-output', 'vitest');
if (process.argv.includes('--clean')) {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
