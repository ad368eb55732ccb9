export type Severity = 'error' | 'warning';

/** One finding about a file. Errors reject the file or the named entity; warnings are recorded and the data kept. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  /** 1-based line in the source file, when the finding belongs to a place in it. */
  line?: number;
  /** The entity the finding is about: an href, an atom:id or a block ordinal, whatever identifies it best. */
  entity?: string;
}

/** Thrown for failures that reject the whole file (not XML, not ESPI, hostile or truncated input). */
export class EspiFileError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(code: string, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'EspiFileError';
    this.diagnostic = { severity: 'error', code, message, line };
  }
}
