/** The doctor's checks, in the order their findings are shown. */
import type { Check } from '../types';
import { capacity } from './capacity';
import { dns } from './dns';
import { firewall } from './firewall';
import { gossipAgreement } from './gossipAgreement';
import { gossipMembership } from './gossipMembership';
import { gossipTasks } from './gossipTasks';
import { ingressMesh } from './ingress';
import { kernelPeers } from './kernelPeers';
import { loadBalancer } from './loadBalancer';
import { underlay } from './underlay';

export const CHECKS: readonly Check[] = [gossipMembership, gossipAgreement, gossipTasks, kernelPeers, loadBalancer, ingressMesh, dns, underlay, firewall, capacity];
