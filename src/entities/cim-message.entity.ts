import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

// One row per CIM push accepted on /cim. MessageIDs are unique per sender (61968-100), so (sender, message_id)
// identifies a resend: it gets the first message's outcome and enqueues nothing.
@Entity('cim_message')
@Unique('uq_cim_message_sender_message', ['sender', 'messageId'])
@Index('ix_cim_message_received_at', ['receivedAt'])
export class CimMessageEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_cim_message',
  })
  id: string;

  // Header/Source, or the token's subject when the sender names none.
  @Column({ type: 'text' })
  sender: string;

  @Column({ type: 'text', name: 'message_id' })
  messageId: string;

  @Column({ type: 'text' })
  verb: string;

  // sha256 of the message bytes: the import batch's checksum.
  @Column({ type: 'text' })
  checksum: string;

  // The import job that loads it (BullMQ id).
  @Column({ type: 'text', name: 'job_id', nullable: true })
  jobId: string | null;

  @Column({ type: 'timestamptz', name: 'received_at', default: () => 'now()' })
  receivedAt: Date;
}
