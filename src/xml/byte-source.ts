/** What the codecs read from: a file or HTTP stream, or chunks in memory (strings are taken as UTF-8). */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
