import type { SshTarget } from '../ssh/types';

/**
 * Where a HAProxy runtime API listens (`stats socket` in haproxy.cfg):
 * - `tcp`: `stats socket ipv4@HOST:PORT level admin`, reached directly;
 * - `unix`: a UNIX socket on this machine;
 * - `ssh-unix`: a UNIX socket on a node, reached through the node's pooled SSH connection (sshd
 *   connects to it as the SSH user, so that user needs read/write access to the socket).
 */
export type RuntimeEndpoint =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'ssh-unix'; target: SshTarget; path: string };

/** "tcp 127.0.0.1:9999", "unix /run/haproxy/admin.sock", "node-1:/run/haproxy/admin.sock (over SSH)": for messages. */
export function describeEndpoint(endpoint: RuntimeEndpoint): string {
  switch (endpoint.kind) {
    case 'tcp':
      return `tcp ${endpoint.host}:${endpoint.port}`;
    case 'unix':
      return `unix ${endpoint.path}`;
    case 'ssh-unix':
      return `${endpoint.target.key}:${endpoint.path} (over SSH)`;
  }
}

/** The FleetError subject: the node for SSH, else the socket address. */
export function endpointSubject(endpoint: RuntimeEndpoint): string {
  switch (endpoint.kind) {
    case 'tcp':
      return `${endpoint.host}:${endpoint.port}`;
    case 'unix':
      return endpoint.path;
    case 'ssh-unix':
      return endpoint.target.key;
  }
}
