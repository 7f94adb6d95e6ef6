// A node:test reporter that writes one JSON line per failed test (file, name, first line of the error), so
// run-tests.mjs can repeat the failures after the TAP stream: a CI log that keeps only its tail still names them.
export default async function* failureReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    const error = details?.error;
    const cause = error?.cause ?? error;
    const message = String(cause?.message ?? cause ?? '').split('\n').slice(0, 3).join(' ⏎ ').slice(0, 400);
    yield `${JSON.stringify({ file, name, nesting, message })}\n`;
  }
}
