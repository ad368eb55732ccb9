/**
 * Rows of integer fields packed by PostgreSQL into one text, `a,b,c;a,b,c` (an empty field is null), read without a
 * string or an object per field: a year of daily rollups is 366 rows, and as result rows they were a row object,
 * eight strings and the driver's message objects each, most of a computed answer's garbage.
 */
export class PackedRows {
  private at = 0;
  /** The digits of the last field `next` read as NaN because a float64 cannot hold it exactly. */
  private longDigits = '';

  constructor(private readonly text: string) {}

  /** Whether another row follows; reading it then takes `next` once per field. */
  nextRow(): boolean {
    if (this.at >= this.text.length) return false;
    if (this.at > 0) this.at += 1; // the ';' that ended the previous row
    return true;
  }

  /** The next integer field: null when empty, NaN when it needs a bigint (then read `digits`). */
  next(): number | null {
    const { text } = this;
    let at = this.at;
    const start = at;
    let negative = false;
    if (text.charCodeAt(at) === 45) {
      negative = true;
      at += 1;
    }
    let value = 0;
    for (let c = text.charCodeAt(at); c >= 48 && c <= 57; c = text.charCodeAt(at)) {
      value = value * 10 + (c - 48);
      at += 1;
    }
    const end = at;
    // Past the field's separator; a ';' stays for nextRow.
    if (text.charCodeAt(at) === 44) at += 1;
    this.at = at;
    if (end === start) return null;
    if (!Number.isSafeInteger(value)) {
      this.longDigits = text.slice(start, end);
      return Number.NaN;
    }
    return negative ? -value : value;
  }

  /** The exact digits of the last field `next` returned as NaN. */
  get digits(): string {
    return this.longDigits;
  }
}
