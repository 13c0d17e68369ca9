/** The lab's own /proc helpers (electron/core/lab/lab-slurm-processes.ts), for the tests' process checks. */
export { descendantsOf, signalQuietly } from '../../../electron/core/lab/lab-slurm-processes';
