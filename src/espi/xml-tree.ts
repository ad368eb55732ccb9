import { XmlElement } from './records';
import { parseInteger } from './numbers';

/** Small helpers over the element trees kept for entity content (never for interval readings, which stream). */

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function textOf(el: XmlElement | undefined, name: string): string | undefined {
  const t = child(el, name)?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** A numeric field: undefined when absent; `problems` collects the names of fields present but not integers. */
export function intOf(el: XmlElement | undefined, name: string, problems: string[]): number | undefined {
  const t = textOf(el, name);
  if (t === undefined) return undefined;
  const n = parseInteger(t);
  if (n === undefined) problems.push(`${name}="${t.slice(0, 40)}"`);
  return n;
}
