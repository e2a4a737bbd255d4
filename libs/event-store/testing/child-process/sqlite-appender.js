/**
 * A second OS process writing to the hub's SQLite file through the real adapter.
 *
 *   node sqlite-appender.js <file> <stream> <count> append   appends <count> single events
 *   node sqlite-appender.js <file> <stream> <count> race     <count> times: read the stream's
 *        revision, then append one event expecting exactly that revision
 *
 * Prints `{"written":n,"conflicts":n}` on stdout and exits 0, or prints the error and exits 1.
 */
require('./register-typescript');
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require('../../src/sqlite/sqlite-event-store.ts');
const { StreamVersionConflictError } = require('../../src/errors.ts');

async function main([file, stream, count, mode]) {
  const store = SqliteEventStore.open(file);
  let written = 0;
  let conflicts = 0;
  try {
    for (let i = 0; i < Number(count); i += 1) {
      const event = { id: randomUUID(), type: 'ChildAppended.v1', data: { pid: process.pid, i } };
      if (mode === 'append') {
        await store.append(stream, [event]);
        written += 1;
        continue;
      }
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      try {
        await store.append(stream, [event], { expectedRevision: last ? last.revision : 'no_stream' });
        written += 1;
      } catch (error) {
        if (!(error instanceof StreamVersionConflictError)) throw error;
        conflicts += 1;
      }
    }
  } finally {
    await store.close();
  }
  process.stdout.write(JSON.stringify({ written, conflicts }));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
