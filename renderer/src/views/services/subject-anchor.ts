/** The DOM id of a subject shown in place (a service card, a load balancer section): where `#/service/NAME` scrolls to. */
export function subjectAnchorId(kind: string, name: string): string {
  return `subject:${kind}:${name}`;
}
