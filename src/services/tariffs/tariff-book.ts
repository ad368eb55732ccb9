import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { TariffVersion } from '../../tariffs/tariff';
import { byValidFrom } from '../../tariffs/schedule';

// The tariffs the portal has loaded (tariff-files.ts), read per request. Tariffs are public rate sheets: any signed-in
// caller may read them; which tariff a usage point is on is personal and goes through the usage point's scope.

export interface TariffRecord {
  id: string;
  code: string;
  /** Every version, in order of validity. */
  versions: TariffVersion[];
}

interface Row {
  id: string;
  code: string;
  definitions: (TariffVersion & { validFrom: string | null; validTo: string | null })[];
}

function recordOf(row: Row): TariffRecord {
  const versions = row.definitions.map((d) => ({
    ...d,
    validFrom: d.validFrom === null ? null : new Date(d.validFrom),
    validTo: d.validTo === null ? null : new Date(d.validTo),
  }));
  return { id: row.id, code: row.code, versions: byValidFrom(versions) };
}

const SELECT = `SELECT t.id::text, t.code, json_agg(v.definition ORDER BY v.valid_from NULLS FIRST) AS definitions
                  FROM tariff t JOIN tariff_version v ON v.tariff_id = t.id`;

export class TariffBook {
  private readonly byCode: DataLoader<string, TariffRecord | null>;
  private readonly byId: DataLoader<string, TariffRecord | null>;

  constructor(private readonly db: DataSource) {
    const loader = (column: 'code' | 'id') =>
      new DataLoader<string, TariffRecord | null>(async (keys) => {
        const rows: Row[] = await db.query(
          `${SELECT} WHERE t.${column} = ANY($1::${column === 'id' ? 'bigint' : 'text'}[]) GROUP BY t.id`,
          [keys],
        );
        const found = new Map(rows.map((row) => [column === 'id' ? row.id : row.code, recordOf(row)]));
        return keys.map((key) => found.get(key) ?? null);
      });
    this.byCode = loader('code');
    this.byId = loader('id');
  }

  tariffByCode(code: string): Promise<TariffRecord | null> {
    return this.byCode.load(code);
  }

  tariff(id: string): Promise<TariffRecord | null> {
    return this.byId.load(id);
  }

  async all(): Promise<TariffRecord[]> {
    const rows: Row[] = await this.db.query(`${SELECT} GROUP BY t.id ORDER BY t.code`);
    return rows.map(recordOf);
  }
}
