import { newId } from '@memberloop/shared';
import type { Tx } from '../../db/transaction';
import { auditLog } from './audit.tables';

export interface AuditEntry {
  brandId: string;
  actorType: 'staff' | 'member' | 'system';
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  data?: Record<string, unknown>;
  at: Date;
}

/** Written in the caller's transaction, so an audited change and its entry land together or not at all. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ id: newId('auditEntry', entry.at.getTime()), ...entry, data: entry.data ?? {} });
}
