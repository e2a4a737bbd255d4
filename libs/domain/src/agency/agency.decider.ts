import { Decider } from '../decider';
import { AgencyEvent, AgencyProfile } from './agency.events';

export interface RegisterAgency {
  type: 'RegisterAgency';
  profile: AgencyProfile;
}

export interface AgencyState {
  profile?: AgencyProfile;
}

const sameProfile = (a: AgencyProfile, b: AgencyProfile): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `PUT /v1/agencies/{id}`: registers the agency, or records an update when anything changed. */
export const agencyDecider: Decider<RegisterAgency, AgencyEvent, AgencyState> = {
  initialState: () => ({}),
  evolve: (_state, event) => ({ profile: event.data }),
  decide(command, state) {
    if (!state.profile) return [{ type: 'AgencyRegistered.v1', data: command.profile }];
    if (sameProfile(state.profile, command.profile)) return [];
    return [{ type: 'AgencyUpdated.v1', data: command.profile }];
  },
};
