import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TariffEntity } from './tariff.entity';

// One published version of a tariff's rates (URDB item), in force from valid_from until the next version starts.
@Entity('tariff_version')
@Unique('uq_tariff_version_label', ['label'])
@Index('ix_tariff_version_tariff', ['tariffId', 'validFrom'])
export class TariffVersionEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_tariff_version',
  })
  id: string;

  @Column({ type: 'bigint', name: 'tariff_id' })
  @ForeignKey(() => TariffEntity, { name: 'fk_tariff_version_tariff', onDelete: 'CASCADE' })
  tariffId: string;

  // URDB label: the version's identity, so loading the same file again updates in place.
  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'timestamptz', name: 'valid_from', nullable: true })
  validFrom: Date | null;

  @Column({ type: 'timestamptz', name: 'valid_to', nullable: true })
  validTo: Date | null;

  // The normalised version (src/tariffs/tariff.ts) the pricing reads.
  @Column({ type: 'jsonb' })
  definition: Record<string, unknown>;

  // The URDB item as published.
  @Column({ type: 'jsonb' })
  source: Record<string, unknown>;

  @Column({ type: 'text', name: 'source_file' })
  sourceFile: string;

  @Column({ type: 'timestamptz', name: 'loaded_at', default: () => 'now()' })
  loadedAt: Date;
}
