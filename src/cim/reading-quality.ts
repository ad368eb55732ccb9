/**
 * ESPI QualityOfReading code for a 61968-9 ReadingQualityType ref "system.category.index", where one exists.
 * The CIM categories with an exact ESPI twin share its number: 0 valid, 7 edited, 10 questionable, 11 derived,
 * 12 projected. Estimated (8) is not mapped, since ESPI splits it by method and CIM's index does not say which;
 * other categories (diagnostics, power quality, tamper, validation) have no ESPI code. The CIM ref is always kept.
 */
export function espiQualityOf(ref: string): number | undefined {
  const m = /^\d+\.(\d+)\.\d+$/.exec(ref);
  if (!m) return undefined;
  const category = Number(m[1]);
  return [0, 7, 10, 11, 12].includes(category) ? category : undefined;
}
