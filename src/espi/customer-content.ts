import type { XmlElement } from './records';

// customer.xsd resources built from a few plain fields, each in the schema's sequence order: what the ODS extract
// and the portal's own export both write, and exactly the fields the loader reads back.

type Text = string | null | undefined;

function el(name: string, content: Text | XmlElement[]): XmlElement | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof content === 'string') return { name, text: content, children: [] };
  // An element whose children are all absent would be an empty complex element where the schema expects content.
  return content.length ? { name, children: content } : undefined;
}

const tree = (...children: (XmlElement | undefined)[]): XmlElement[] =>
  children.filter((c): c is XmlElement => c !== undefined);

/** Contact details sit in the customer's Organisation (OrganisationRole), as customer.xsd orders them. */
export function customerContent(c: { kind: Text; status: Text; name: Text; email: Text; phone: Text }): XmlElement {
  return {
    name: 'Customer',
    children: tree(
      el('name', c.name),
      el(
        'Organisation',
        tree(el('phone1', tree(el('localNumber', c.phone))), el('electronicAddress', tree(el('email1', c.email)))),
      ),
      el('kind', c.kind),
      el('status', tree(el('value', c.status))),
    ),
  };
}

export function customerAccountContent(a: { name?: Text; billingCycle: Text; accountNumber: Text }): XmlElement {
  return {
    name: 'CustomerAccount',
    children: tree(el('name', a.name), el('billingCycle', a.billingCycle), el('accountId', a.accountNumber)),
  };
}

export function serviceLocationContent(l: {
  streetAddress: Text;
  city: Text;
  stateOrProvince: Text;
  postalCode: Text;
  country: Text;
  usagePointHrefs: string[];
}): XmlElement {
  const address = tree(
    el('streetDetail', tree(el('addressGeneral', l.streetAddress))),
    el(
      'townDetail',
      tree(
        el('code', l.postalCode),
        el('name', l.city),
        el('stateOrProvince', l.stateOrProvince),
        el('country', l.country),
      ),
    ),
  );
  return {
    name: 'ServiceLocation',
    children: tree(
      el('mainAddress', address),
      el(
        'UsagePoints',
        l.usagePointHrefs.map((href) => ({ name: 'UsagePoint', text: href, children: [] })),
      ),
    ),
  };
}

export function meterContent(m: {
  serialNumber: Text;
  formNumber: Text;
  intervalLength: number | null | undefined;
}): XmlElement {
  return {
    name: 'Meter',
    children: tree(
      el('serialNumber', m.serialNumber),
      el('formNumber', m.formNumber),
      el('intervalLength', m.intervalLength == null ? null : String(m.intervalLength)),
    ),
  };
}
