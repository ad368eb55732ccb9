import type { CimHeader } from './records';

/**
 * Why a whole message is refused, with the 61968-100 reply code to answer it with: thrown by the reader, turned
 * into a FAILED reply by `replyFailed`, so a bad message is an answer, never a server error.
 */
export class CimMessageError extends Error {
  constructor(
    /** Our stable code, e.g. `xml-malformed`, `header-missing`, `verb-invalid`. */
    readonly code: string,
    /** 61968-100 Error.code for the FAILED reply, e.g. `1.8`. */
    readonly replyCode: string,
    message: string,
    readonly line?: number,
    /** The Header when it was read before the failure, so the reply can echo MessageID/CorrelationID. */
    public header?: CimHeader,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'CimMessageError';
  }
}
