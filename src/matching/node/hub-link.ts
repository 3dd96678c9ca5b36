import type { NodeMembership } from '../../exchange/node/membership.js';
import type { HubChanges, HubHitView, MatchState, PublishRequest, PublishResult } from '../hub-protocol.js';
import type { HitStatus } from '../vocabulary.js';

export type HubLink = ReturnType<typeof createHubLink>;

/** The matching calls of the node→hub protocol, signed on behalf of one agency by its membership's hub client. */
export function createHubLink(membership: Pick<NodeMembership, 'client'>) {
  const call = async <T>(agencyId: string, method: string, path: string, body?: unknown): Promise<T> => (await membership.client(agencyId)).signedJson<T>(method, `/hub/v1/match${path}`, body);
  return {
    state: (agencyId: string) => call<MatchState>(agencyId, 'GET', '/state'),
    announce: (agencyId: string, epoch: number) => call<MatchState>(agencyId, 'POST', '/epochs', { epoch }),
    publish: (agencyId: string, request: PublishRequest) => call<PublishResult>(agencyId, 'POST', '/items', request),
    withdraw: (agencyId: string, refs: string[]) => call<{ withdrawn: number; hitsRemoved: number }>(agencyId, 'POST', '/withdraw', { refs }),
    changes: (agencyId: string, after: number, limit = 500) => call<HubChanges>(agencyId, 'GET', `/changes?after=${after}&limit=${limit}`),
    setStatus: (agencyId: string, hitId: string, status: HitStatus) => call<HubHitView>(agencyId, 'POST', `/hits/${hitId}/status`, { status }),
    decide: (agencyId: string, hitId: string, decision: 'accept' | 'decline') => call<HubHitView>(agencyId, 'POST', `/hits/${hitId}/decision`, { decision }),
  };
}
