import { DeciderSpecification } from '@onestop/domain/testing';
import { agencyDecider } from './agency.decider';
import { AgencyProfile } from './agency.events';

const housing: AgencyProfile = {
  agencyId: 'housing',
  name: 'Council Housing',
  kind: 'housing',
  issuer: 'https://idp.housing.example/',
  jwks: { keys: [{ kty: 'EC', kid: 'h1', crv: 'P-256', x: 'x', y: 'y' }] },
  delivery: { feed: true, kafka: false },
  services: [{ id: 'emergency-bed', name: 'Emergency bed' }],
};
const renamed: AgencyProfile = { ...housing, name: 'Housing Options' };

const spec = DeciderSpecification.for(agencyDecider);

describe('agency decider', () => {
  it('registers an agency that is new', () => {
    spec.given([]).when({ type: 'RegisterAgency', profile: housing }).then([{ type: 'AgencyRegistered.v1', data: housing }]);
  });

  it('records nothing when the same profile is put again', () => {
    spec
      .given([{ type: 'AgencyRegistered.v1', data: housing }])
      .when({ type: 'RegisterAgency', profile: { ...housing } })
      .then([]);
  });

  it('records an update when anything changed', () => {
    spec
      .given([{ type: 'AgencyRegistered.v1', data: housing }])
      .when({ type: 'RegisterAgency', profile: renamed })
      .then([{ type: 'AgencyUpdated.v1', data: renamed }]);
  });

  it('records an update when the keys are rotated', () => {
    const rotated = { ...housing, jwks: { keys: [{ kty: 'EC', kid: 'h2', crv: 'P-256', x: 'x2', y: 'y2' }] } };
    spec
      .given([{ type: 'AgencyRegistered.v1', data: housing }])
      .when({ type: 'RegisterAgency', profile: rotated })
      .then([{ type: 'AgencyUpdated.v1', data: rotated }]);
  });

  it('records an update when a service\'s referral deadlines change, and keeps a profile without any as it was', () => {
    const faster = { ...housing, services: [{ id: 'emergency-bed', name: 'Emergency bed', deadlines: { acknowledge: { immediate: { minutes: 5 } } } }] };
    spec
      .given([{ type: 'AgencyRegistered.v1', data: housing }])
      .when({ type: 'RegisterAgency', profile: faster })
      .then([{ type: 'AgencyUpdated.v1', data: faster }]);
    spec.given([{ type: 'AgencyRegistered.v1', data: housing }]).when({ type: 'RegisterAgency', profile: housing }).then([]);
  });

  it('compares with the latest profile, not the first', () => {
    const history = [
      { type: 'AgencyRegistered.v1', data: housing },
      { type: 'AgencyUpdated.v1', data: renamed },
    ] as const;
    spec.given([...history]).when({ type: 'RegisterAgency', profile: renamed }).then([]);
    spec
      .given([...history])
      .when({ type: 'RegisterAgency', profile: housing })
      .then([{ type: 'AgencyUpdated.v1', data: housing }]);
  });
});
