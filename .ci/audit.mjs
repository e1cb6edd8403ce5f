// Run graphql-http's GraphQL-over-HTTP audit suite against a live endpoint.
//
// Usage: node audit.mjs <url>   (run from a directory where the pinned package.json is installed)
// Prints one line per audit; exits 1 when any MUST ("error") or SHOULD ("warn") audit fails.
// MAY audits that fail are printed as "notice" and do not fail the run.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <url>');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const line = `${result.status.padEnd(6)} ${result.id} ${result.name}`;
  if (result.status === 'ok') {
    console.log(line);
    continue;
  }
  const body = await result.response.text().catch(() => '<unreadable body>');
  console.log(`${line}\n       -> ${result.reason}\n       -> ${result.response.status} ${body.slice(0, 300)}`);
}
console.log(
  `\n${results.length} audits: ${counts.ok} ok, ${counts.notice} notice (MAY), ` +
    `${counts.warn} warn (SHOULD), ${counts.error} error (MUST)`,
);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
