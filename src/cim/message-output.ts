import { Diagnostic, DiagnosticLog, Severity } from '../xml/diagnostics';
import { dropUndefined } from '../xml/element-tree';
import { CimEvent, CimSummary } from './records';

/** What the reading of one message hands out as it goes: events, the counts of its summary, its diagnostics. */
export class MessageOutput {
  private readonly events: CimEvent[] = [];
  readonly counts: CimSummary['counts'] = {
    meterReadings: 0,
    blocks: 0,
    intervalReadings: 0,
    registers: 0,
    rejectedReadings: 0,
  };
  readonly diagnostics = new DiagnosticLog();

  push(event: CimEvent): void {
    this.events.push(event);
  }

  /** The events since the last drain, handed downstream between chunks. */
  drain(): CimEvent[] {
    return this.events.splice(0);
  }

  diagnose(severity: Severity, code: string, message: string, line?: number, entity?: string): void {
    const diagnostic: Diagnostic = dropUndefined({ severity, code, message, line, entity });
    if (this.diagnostics.report(diagnostic)) this.events.push({ type: 'diagnostic', diagnostic });
  }
}
