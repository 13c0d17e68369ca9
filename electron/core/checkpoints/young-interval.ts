/**
 * The checkpoint interval that loses the least work, by Young's first-order formula:
 *
 *   interval = √(2 · C · M)
 *
 * with C the time one save takes and M the job's mean time between failures (J. W. Young,
 * "A first order approximation to the optimum checkpoint interval", CACM 17(9), 1974). It holds
 * while C ≪ M, which is the case that matters (minutes of save against hours between failures).
 *
 * A job fails when any of its nodes does, so its MTBF is the node MTBF divided by its node count;
 * the node failure rate comes from the fleet's own history: failures / (nodes × hours observed).
 */

/** √(2 · save · MTBF), in seconds; null unless both are positive and finite. */
export function youngIntervalSeconds(saveSeconds: number, mtbfSeconds: number): number | null {
  if (!(saveSeconds > 0) || !(mtbfSeconds > 0) || !Number.isFinite(saveSeconds) || !Number.isFinite(mtbfSeconds)) return null;
  return Math.sqrt(2 * saveSeconds * mtbfSeconds);
}

/**
 * Node failures per node-hour over a window: `failures` among `nodes` nodes watched for
 * `observedHours`. Null when nothing was observed (no nodes or no time). Zero failures is a rate
 * of 0 (an MTBF the window cannot bound: see jobMtbfHours).
 */
export function failureRatePerNodeHour(failures: number, nodes: number, observedHours: number): number | null {
  if (!(failures >= 0) || !(nodes > 0) || !(observedHours > 0)) return null;
  return failures / (nodes * observedHours);
}

/** The MTBF of a job on `jobNodes` nodes, in hours; null when the rate is 0 or unknown (no failure seen yet). */
export function jobMtbfHours(ratePerNodeHour: number | null, jobNodes: number): number | null {
  if (ratePerNodeHour === null || !(ratePerNodeHour > 0) || !(jobNodes > 0)) return null;
  return 1 / (ratePerNodeHour * jobNodes);
}
