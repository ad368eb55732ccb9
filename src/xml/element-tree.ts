/**
 * The small element trees the readers keep for entity content, envelope parts and payload objects (never for
 * interval readings, which stream), and their reading into records.
 */
export interface ElementTree<E> {
  /** The element's local name: the readers have already placed it in its namespace. */
  name: string;
  text?: string;
  children: E[];
}

export function childOf<E extends ElementTree<E>>(el: E | undefined, name: string): E | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenOf<E extends ElementTree<E>>(el: E | undefined, name: string): E[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Trimmed text of a child; undefined when absent or empty (an empty optional element says nothing). */
export function textOf<E extends ElementTree<E>>(el: E | undefined, name: string): string | undefined {
  const t = childOf(el, name)?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** Records compare equal after a round trip only if absent fields are absent, not present and undefined. */
export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
