import type { RequestContext } from '../../http/auth';

/** The actor columns of an audit entry for whoever is acting in `context`. */
export function auditActor(context: RequestContext): { actorType: 'staff' | 'member'; actorId: string } {
  return context.actor.type === 'staff'
    ? { actorType: 'staff', actorId: context.actor.staffId }
    : { actorType: 'member', actorId: context.actor.memberId };
}
