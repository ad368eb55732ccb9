import { ElementTree } from '../xml/element-tree';

/** The small element trees kept for envelope parts and payload objects (interval readings are one each). */
export interface XmlNode extends ElementTree<XmlNode> {
  ns: string;
  /** Attributes by local name: CIM uses only unprefixed ones (`ref`, `kind`, `idType`). */
  attributes: ReadonlyMap<string, string>;
  text: string;
  line: number;
}
