// A node:test reporter that writes one JSON line per failed test (file, name, first lines of the error) and the run's
// closing counts, so run-tests.mjs can repeat the failures after the TAP stream (a CI log that keeps only its tail
// still names them) and add up the counts of its runs.
const COUNT = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/;

export default async function* failureReporter(source) {
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && event.data.nesting === 0 && COUNT.test(event.data.message)) {
      const [, what, n] = COUNT.exec(event.data.message);
      yield `${JSON.stringify({ count: what, n: Number(n) })}\n`;
    }
    if (event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    const error = details?.error;
    const cause = error?.cause ?? error;
    const message = String(cause?.message ?? cause ?? '').split('\n').slice(0, 3).join(' ⏎ ').slice(0, 400);
    yield `${JSON.stringify({ file, name, nesting, message })}\n`;
  }
}
