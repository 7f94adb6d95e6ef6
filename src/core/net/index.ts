/** IPv4 addresses, networks, ports and protocols: one module for the parser, the linter and the tracer. */
export * from './ipv4';
export * from './cidr';
export * from './port';
export * from './protocol';
