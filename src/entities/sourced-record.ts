import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

// Rows that arrive from another system (ODS, ESPI feed, CIM) and are upserted by that system's key on re-import.
// Each subclass names its own unique constraint on (source_system, external_id).
export abstract class SourcedRecord {
  @Column({ type: 'text', name: 'source_system' })
  sourceSystem: string;

  // ESPI self href or id, ODS primary key, or CIM mRID, as received.
  @Column({ type: 'text', name: 'external_id' })
  externalId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
