/** The small element trees kept for envelope parts and payload objects (interval readings are one each). */
export interface XmlNode {
  local: string;
  ns: string;
  attributes: ReadonlyMap<string, string>;
  text: string;
  children: XmlNode[];
  line: number;
}

export function childOf(node: XmlNode | undefined, local: string): XmlNode | undefined {
  return node?.children.find((c) => c.local === local);
}

export function childrenOf(node: XmlNode | undefined, local: string): XmlNode[] {
  return node ? node.children.filter((c) => c.local === local) : [];
}

/** Trimmed text of a child; undefined when absent or empty (an empty optional element says nothing). */
export function textOf(node: XmlNode | undefined, local: string): string | undefined {
  const t = childOf(node, local)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}
