import { createReadStream } from 'node:fs';
import { ByteSource } from '../xml/byte-source';
import { readEspiAtom, ReaderOptions } from './atom-reader';
import { linkEspiRecords } from './linker';
import type { LinkedFeed, LinkedMeterReading, LinkOptions, ParseEvent } from './linked-feed';
import { BlockInfo, EspiIntervalReading } from './records';

export type EspiParseOptions = LinkOptions & ReaderOptions;

/** Parse, link and validate an ESPI Atom document: the loader's entry point. */
export function parseEspiAtom(source: ByteSource, options: EspiParseOptions): AsyncGenerator<ParseEvent> {
  return linkEspiRecords(readEspiAtom(source, options), options);
}

export function parseEspiAtomFile(path: string, options: Omit<EspiParseOptions, 'source'> & { source?: string }) {
  return parseEspiAtom(createReadStream(path, { highWaterMark: 256 * 1024 }), { source: path, ...options });
}

export interface CollectedFeed {
  feed: LinkedFeed;
  /** Accepted readings per meter reading, in file order. */
  readings: Map<LinkedMeterReading, EspiIntervalReading[]>;
  /** Accepted blocks per meter reading, in file order. */
  blocks: Map<LinkedMeterReading, BlockInfo[]>;
  /** Accepted readings per accepted block ordinal, in file order. */
  blockReadings: Map<number, EspiIntervalReading[]>;
}

/**
 * Gathers a whole parse in memory: for tests, the exporter's round trips and small files. The loader streams
 * `parseEspiAtom` instead, staging readings by block and applying `feed.blockOwner` at the end.
 */
export async function collectParsedFeed(events: AsyncIterable<ParseEvent>): Promise<CollectedFeed> {
  const byBlock = new Map<number, EspiIntervalReading[]>();
  const infos: BlockInfo[] = [];
  for await (const ev of events) {
    if (ev.type === 'readings') {
      const list = byBlock.get(ev.block.ordinal);
      if (list) for (const r of ev.readings) list.push(r);
      else byBlock.set(ev.block.ordinal, [...ev.readings]);
    } else if (ev.type === 'block') {
      infos.push(ev.block);
    } else if (ev.type === 'linked') {
      const owner = ev.feed.blockOwner;
      const blocks = new Map<LinkedMeterReading, BlockInfo[]>(ev.feed.meterReadings.map((mr) => [mr, []]));
      for (const info of infos) {
        const mr = owner.get(info.ordinal);
        if (mr) blocks.get(mr)!.push(info);
      }
      const readings = new Map<LinkedMeterReading, EspiIntervalReading[]>();
      for (const [mr, list] of blocks)
        readings.set(
          mr,
          list.flatMap((b) => byBlock.get(b.ordinal) ?? []),
        );
      for (const ordinal of byBlock.keys()) if (!owner.has(ordinal)) byBlock.delete(ordinal);
      return { feed: ev.feed, readings, blocks, blockReadings: byBlock };
    }
  }
  throw new Error('parse ended without its linked feed');
}
