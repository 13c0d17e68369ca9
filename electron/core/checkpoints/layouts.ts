/**
 * What each training stack's checkpoints look like on disk, as data: which entries are
 * checkpoints, which files inside one prove it complete, and which tag file names the newest.
 * The listing script (listing-script.ts) is assembled from these, and the parser and the
 * classifier read the same table, so the three cannot disagree about a layout.
 *
 * Candidate names are selected by EXACT shape (prefix + digits, or NeMo's safe character set), so
 * every name the script later uses as a word is safe unquoted and inside find/awk/printf. Any
 * other name (spaces, newlines, `$(…)`) is never a candidate: it only appears, escaped, among
 * the directory's newest entries.
 */
import type { CheckpointLayout } from '../../../shared/checkpoints';

export interface LayoutRule {
  layout: CheckpointLayout;
  /** find(1) tests (after `-mindepth 1 -maxdepth 1`) that select this layout's checkpoints. */
  findTests: string;
  /** A name the find tests can select; the parser refuses any other candidate name. */
  namePattern: RegExp;
  /** The step number in a candidate's name. */
  stepPattern: RegExp;
  /** Files inside a candidate directory whose presence (size, mtime) the listing reports. */
  markers: readonly string[];
  /** The top-level file naming the newest complete checkpoint. */
  tagFile: string | null;
  /**
   * sh lines turning the tag's (sanitised) value `$tv` into the tagged directory `td`; they run
   * with `td` empty and may leave it so. Only names of the candidate shape come out.
   */
  tagDirScript: string;
  /** sh lines run for each candidate `$1` after its markers (NeMo's sibling marker). */
  perCandidateScript: string;
  /** sh lines run once after the candidates (NeMo's markers without a checkpoint yet). */
  trailerScript: string;
  /**
   * Whether an empty file in a complete checkpoint makes it truncated. Not for DCP-based
   * formats: a DCP rank with nothing to write still creates its (empty) shard file.
   */
  emptyFileIsTruncation: boolean;
}

/** NeMo: letters, digits and `._=+-` only (its names carry `val_loss=1.23-step=100-…`). */
const NEMO_SAFE_NAME = /^[A-Za-z0-9._=+-]{1,255}$/;

const DIGITS_ONLY = (prefix: string, suffix = ''): string =>
  // "prefix, a digit, then nothing but digits up to the suffix": the second glob catches any
  // non-digit between the prefix and the suffix (LC_ALL=C, so ranges are bytes).
  `-name '${prefix}[0-9]*${suffix}' ! -name '${prefix}*[!0-9]*${suffix}'`;

export const LAYOUTS: Record<CheckpointLayout, LayoutRule> = {
  dcp: {
    layout: 'dcp',
    findTests: `-type d ${DIGITS_ONLY('step-')}`,
    namePattern: /^step-[0-9]{1,18}$/,
    stepPattern: /^step-([0-9]{1,18})$/,
    markers: ['.metadata'],
    tagFile: null,
    tagDirScript: '',
    perCandidateScript: '',
    trailerScript: '',
    emptyFileIsTruncation: false,
  },
  deepspeed: {
    layout: 'deepspeed',
    findTests: `-type d ${DIGITS_ONLY('global_step')}`,
    namePattern: /^global_step[0-9]{1,18}$/,
    stepPattern: /^global_step([0-9]{1,18})$/,
    markers: [],
    tagFile: 'latest',
    // DeepSpeed's default tag is the directory's name; a custom tag is not a step directory.
    tagDirScript: `case $tv in global_step*[!0-9]*) ;; global_step[0-9]*) td=$tv ;; esac`,
    perCandidateScript: '',
    trailerScript: '',
    emptyFileIsTruncation: true,
  },
  megatron: {
    layout: 'megatron',
    findTests: `-type d ${DIGITS_ONLY('iter_')}`,
    namePattern: /^iter_[0-9]{1,18}$/,
    stepPattern: /^iter_([0-9]{1,18})$/,
    // torch_dist saves: DCP's `.metadata` while writing, `metadata.json` once complete.
    markers: ['metadata.json', '.metadata'],
    tagFile: 'latest_checkpointed_iteration.txt',
    // The tracker holds the iteration as a plain number; the directory is iter_%07d. awk, not
    // the shell's printf: sh reads a leading 0 as octal. 18 digits at most (exact in a double).
    tagDirScript: `case $tv in '' | *[!0-9]* | ???????????????????*) ;; *) td=$(awk -v n="$tv" 'BEGIN { printf "iter_%07d", n }') ;; esac`,
    perCandidateScript: '',
    trailerScript: '',
    emptyFileIsTruncation: false,
  },
  nemo: {
    layout: 'nemo',
    findTests:
      `'(' -type d -o -type f ')' -name '*step=[0-9]*' ! -name '*-unfinished' ! -name '*-last*' ` +
      `! -name '*[!A-Za-z0-9._=+-]*'`,
    namePattern: NEMO_SAFE_NAME,
    stepPattern: /step=([0-9]{1,18})(?![0-9])/,
    markers: ['metadata.json'],
    tagFile: null,
    tagDirScript: '',
    // NeMo's marker for X.ckpt, X.nemo or X-EMA.ckpt is X-unfinished, beside it.
    perCandidateScript: [
      `u=\${1%.nemo}; u=\${u%.ckpt}; u=\${u%-EMA}-unfinished`,
      `[ -e "$u" ] && printf 'mark\\t%s\\t-unfinished\\t%s\\n' "$1" "$(find "./$u" -maxdepth 0 -printf '%s\\t%T@' 2>/dev/null)"`,
    ].join('\n'),
    // A save that has only written its marker yet has no candidate entry: list the markers too.
    trailerScript:
      `find . -mindepth 1 -maxdepth 1 -type f -name '*step=[0-9]*-unfinished' ! -name '*[!A-Za-z0-9._=+-]*' ` +
      `-printf '%T@\\t%f\\n' 2>/dev/null | sort -rn | head -n 8 | sed 's/^/unfinished\\t/'`,
    emptyFileIsTruncation: false,
  },
  files: {
    layout: 'files',
    findTests: `-type f ${DIGITS_ONLY('step_', '.pt')}`,
    namePattern: /^step_[0-9]{1,18}\.pt$/,
    stepPattern: /^step_([0-9]{1,18})\.pt$/,
    markers: [],
    tagFile: null,
    tagDirScript: '',
    perCandidateScript: '',
    trailerScript: '',
    emptyFileIsTruncation: true,
  },
};

/** The step number in a candidate's name, or null. */
export function stepOf(rule: LayoutRule, name: string): number | null {
  const m = rule.stepPattern.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** NeMo's marker name for a checkpoint entry: X.ckpt, X.nemo, X-EMA.ckpt → X-unfinished. */
export function nemoMarkerFor(entryName: string): string {
  let base = entryName;
  for (const suffix of ['.nemo', '.ckpt', '-EMA']) if (base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  return `${base}-unfinished`;
}
