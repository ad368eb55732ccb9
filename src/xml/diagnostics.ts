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

/** Diagnostics kept per code by default: a file with a million bad readings reports the first hundred of each kind. */
const DIAGNOSTICS_PER_CODE = 100;

/** The diagnostics of one file: every finding counted, the first `maxPerCode` of each code kept. */
export class DiagnosticLog {
  readonly kept: Diagnostic[] = [];
  errorCount = 0;
  warningCount = 0;
  private readonly perCode = new Map<string, number>();

  constructor(private readonly maxPerCode = DIAGNOSTICS_PER_CODE) {}

  /** Counts `d`; true when it is kept, false when its code has had its share. */
  report(d: Diagnostic): boolean {
    if (d.severity === 'error') this.errorCount++;
    else this.warningCount++;
    const seen = (this.perCode.get(d.code) ?? 0) + 1;
    this.perCode.set(d.code, seen);
    if (seen > this.maxPerCode) return false;
    this.kept.push(d);
    return true;
  }
}
