// The demo ODS's people and places: drawn from a seeded PRNG so the same options give the same ODS.

/** mulberry32: tiny, fast, and good enough to pick names and shapes reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Zones with both DST changes, plus Phoenix (none): local days of 23, 24 and 25 hours all occur.
const PLACES = [
  { zone: 'America/New_York', city: 'Albany', state: 'NY', zip: '122' },
  { zone: 'America/New_York', city: 'Columbus', state: 'OH', zip: '432' },
  { zone: 'America/Chicago', city: 'Madison', state: 'WI', zip: '537' },
  { zone: 'America/Chicago', city: 'Austin', state: 'TX', zip: '787' },
  { zone: 'America/Denver', city: 'Boulder', state: 'CO', zip: '803' },
  { zone: 'America/Phoenix', city: 'Tempe', state: 'AZ', zip: '852' },
  { zone: 'America/Los_Angeles', city: 'Sacramento', state: 'CA', zip: '958' },
  { zone: 'America/Los_Angeles', city: 'Fresno', state: 'CA', zip: '937' },
] as const;
const FIRST = [
  'Ada',
  'Ben',
  'Carla',
  'Diego',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
];
const LAST = [
  'Nguyen',
  'Smith',
  'Garcia',
  'Okafor',
  'Kowalski',
  'Haddad',
  'Johnson',
  'Silva',
  'Müller',
  'Tanaka',
  "O'Brien",
  'Patel',
];
const BUSINESS = [
  'Bakery',
  'Dental Clinic',
  'Hardware',
  'Print Shop',
  'Grocery',
  'Fitness Studio',
  'Veterinary',
  'Café',
  'Auto Repair',
  'Office Suites',
];
const STREETS = ['Oak St', 'Maple Ave', 'Main St', 'Cedar Ln', 'Park Blvd', 'Lakeview Dr', 'Hill Rd', 'Elm Ct'];

export type Profile = 'residential' | 'commercial';

export interface DemoCustomer {
  id: number;
  kind: Profile;
  name: string;
  email: string;
  phone: string;
  accountNumber: string;
  billingCycle: string;
  street: string;
  city: string;
  state: string;
  postalCode: string;
  zone: string;
  /** Load size relative to a typical customer of its kind. */
  scale: number;
  /** Interval of the electricity meter, seconds. */
  electricInterval: 900 | 3600;
  /** Rooftop PV peak kW; 0 without solar. */
  pvKw: number;
  gas: boolean;
}

export function demoCustomers(count: number, seed: number): DemoCustomer[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const customers: DemoCustomer[] = [];
  for (let id = 1; id <= count; id++) {
    const kind: Profile = random() < 0.85 ? 'residential' : 'commercial';
    const place = pick(PLACES);
    const first = pick(FIRST);
    const last = pick(LAST);
    const name = kind === 'residential' ? `${first} ${last}` : `${last} ${pick(BUSINESS)}`;
    const solar = kind === 'residential' && random() < 0.12;
    customers.push({
      id,
      kind,
      name,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${id}@example.com`,
      phone: `555-${String(1000 + ((id * 7919) % 9000)).padStart(4, '0')}`,
      accountNumber: `ACCT-${String(100000 + id)}`,
      billingCycle: String(1 + Math.floor(random() * 20)),
      street: `${100 + Math.floor(random() * 9800)} ${pick(STREETS)}`,
      city: place.city,
      state: place.state,
      postalCode: `${place.zip}${String(Math.floor(random() * 100)).padStart(2, '0')}`,
      zone: place.zone,
      scale: Math.round((0.6 + random() * (kind === 'residential' ? 1 : 2.5)) * 100) / 100,
      // Solar customers have 15-minute net meters; half the other homes still report hourly.
      electricInterval: solar || kind === 'commercial' || random() < 0.5 ? 900 : 3600,
      pvKw: solar ? Math.round((3 + random() * 5) * 10) / 10 : 0,
      gas: random() < (kind === 'residential' ? 0.35 : 0.4),
    });
  }
  return customers;
}
