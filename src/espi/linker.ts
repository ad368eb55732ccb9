import type { ReaderEvent } from './atom-reader';
import { EspiFileError } from './diagnostics';
import { LinkRules } from './link-rules';
import { LinkState } from './link-state';
import type { LinkOptions, ParseEvent } from './linked-feed';

/**
 * Links the reader's records into usage points, meter readings and their blocks. Readings pass through at once
 * (after per-block checks). Ownership of the blocks is decided at the end, when every entry has been seen (an
 * owner may come after its blocks, or name them only through its `related` links), and delivered in the final
 * `linked` event; until then a finished block waits as a compact row in a `BlockSpill`, in memory for small files
 * and in a temporary file beyond, so memory holds only the small entities and the blocks still streaming.
 */
export async function* linkEspiRecords(
  events: AsyncIterable<ReaderEvent>,
  options: LinkOptions,
): AsyncGenerator<ParseEvent> {
  const state = new LinkState(options);
  const { diagnostics } = state;
  try {
    try {
      for await (const ev of events) {
        if (ev.type === 'Readings') {
          const kept = state.readings.check(ev.block, ev.readings);
          if (kept.length > 0) yield { type: 'readings', block: ev.block, readings: kept };
        } else if (ev.type === 'Diagnostic') {
          diagnostics.report(ev.diagnostic);
        } else {
          state.add(ev);
          if (ev.type === 'IntervalBlock') yield { type: 'block', block: ev.block };
        }
        yield* diagnostics.drain();
      }
    } catch (err) {
      if (!(err instanceof EspiFileError)) throw err;
      diagnostics.report(err.diagnostic);
      yield* diagnostics.drain();
      yield { type: 'linked', feed: state.rejectedFeed() };
      return;
    }
    const feed = new LinkRules(state).link();
    yield* diagnostics.drain();
    yield { type: 'linked', feed };
  } finally {
    state.close();
  }
}
