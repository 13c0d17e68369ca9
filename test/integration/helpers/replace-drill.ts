/**
 * A drill whose response swaps in the lab's warm spare (the built-in replace-replica runbook):
 * stop one llama replica's service, replace it once the console detects it. A short window so
 * it ends within seconds of the response (the drill-replace integration and e2e suites).
 */
export function replaceDrillYaml(name: string, target: string, spare: string): string {
  return `name: ${name}
description: Stop one llama replica's service; the response swaps in the warm spare (replace-replica).
targets:
  replica: ${target}
  maxTargets: 1
  allowProtected: true
fault:
  kind: stop-service
hypothesis:
  minSuccessPct: 50
  maxP95LatencyMs: 5000
  window: 5s
  probeRatePerSecond: 5
  grace: 60s
response:
  runbook: replace-replica
  params: { spare: ${spare} }
  after: detection
expectations:
  detectedWithin: 30s
  restoredWithin: 3m
`;
}
