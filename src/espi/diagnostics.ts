import type { Diagnostic } from '../xml/diagnostics';

/** Thrown for failures that reject the whole file (not XML, not ESPI, hostile or truncated input). */
export class EspiFileError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(code: string, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'EspiFileError';
    this.diagnostic = { severity: 'error', code, message, line };
  }
}
