/**
 * A Slurm job names its checkpoint directory in its comment: `fleetops:ckpt=PATH`
 * (`sbatch --comment='fleetops:ckpt=/lustre/run7/ckpt'`), beside whatever else the comment holds.
 * The path runs to the next whitespace; it must be absolute and printable, or it is ignored (a
 * comment is free text anyone who submits a job can write).
 */
const MARK = /(?:^|[\s,;])fleetops:ckpt=(\S+)/;

export function checkpointFromComment(comment: string | null | undefined): string | null {
  if (!comment) return null;
  const m = MARK.exec(comment);
  if (!m) return null;
  const path = m[1].replace(/[,;]+$/, '');
  if (!path.startsWith('/') || path.length > 1024 || /[\u0000-\u001f\u007f]/.test(path)) return null;
  return path;
}
