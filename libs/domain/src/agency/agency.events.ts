import { ServiceDeadlines } from '../referral/service-levels';
import { AgencyKind } from '../vocabulary';

/** A JSON Web Key as registered by an agency (public keys only). */
export type PublicJwk = Record<string, unknown> & { kty: string; kid?: string };

/** How an agency receives its messages. */
export interface AgencyDelivery {
  /** Read the hub's HTTP feed (`GET /v1/feed`). */
  feed: boolean;
  /** Receive on the agency's Kafka topics. */
  kafka: boolean;
}

/**
 * A service an agency offers to referrals (detox, rehab, housing-first, crisis mental health).
 * `deadlines` overrides the partnership's default service levels per kind and urgency; it is
 * optional, so registrations recorded before it existed stay valid.
 */
export interface AgencyService {
  id: string;
  name: string;
  deadlines?: ServiceDeadlines;
}

/** The registration of an agency as it stands after a `PUT /v1/agencies/{id}`. */
export interface AgencyProfile {
  agencyId: string;
  name: string;
  kind: AgencyKind;
  issuer: string;
  jwks?: { keys: PublicJwk[] };
  jwksUri?: string;
  delivery: AgencyDelivery;
  services: AgencyService[];
}

/** An agency joined the partnership (stream `agency-<id>`, revision 0). */
export interface AgencyRegisteredV1 {
  type: 'AgencyRegistered.v1';
  data: AgencyProfile;
}

/** An agency's registration was replaced (name, keys, delivery, services). */
export interface AgencyUpdatedV1 {
  type: 'AgencyUpdated.v1';
  data: AgencyProfile;
}

export type AgencyEvent = AgencyRegisteredV1 | AgencyUpdatedV1;
