export { recordAudit, type AuditEntry } from './audit.repository';
export { auditActor } from './audit-actor';
