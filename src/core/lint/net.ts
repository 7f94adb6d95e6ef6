/** The linter's view of addresses and ports: the shared ../net module (kept as a file so importers need no change). */
export type { Cidr, PortSet } from '../net';
export { contains, isHostname, isPrivate, overlaps, parseCidr, parsePorts, portIn } from '../net';
