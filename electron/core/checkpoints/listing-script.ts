/**
 * The ONE command a checkpoint probe runs per job per cycle, on a node that mounts the storage:
 *
 *   sh -c '<script for the layout>' fleetops-checkpoints '<directory>'
 *
 * The directory is the script's `$1`, one literal word (shell-quoted once, never pasted into the
 * script), and the script runs under `sh` whatever the login shell is. POSIX sh plus GNU
 * coreutils / findutils / sed (`find -printf`, `sort -z`, `head -z`, `sed -z`), util-linux
 * `findmnt` when present (else /proc/mounts), and any awk (Debian's mawk included).
 *
 * Its output is line records, `TAG<TAB>fields`, described in README.md. What reaches it: numbers,
 * names of the layout's exact shapes (layouts.ts), one-line system messages (ls / stat / findmnt),
 * and names of the newest directory entries, which `sed -z` escapes (`\\` and `\n`) before they
 * become lines. The whole output is capped at MAX_LISTING_BYTES; a listing cut there has no `end`
 * and is refused.
 */
import type { CheckpointLayout } from '../../../shared/checkpoints';
import { CheckpointDirectory } from '../../../shared/checkpoints';
import { shellQuote } from '../runbooks/shell-quote';
import { LAYOUTS } from './layouts';

export const LISTING_FORMAT = 'fleetops-checkpoints';
export const LISTING_VERSION = 1;
/** The script's own name ($0): shows up in `ps` on the node. */
const SCRIPT_NAME = 'fleetops-checkpoints';

/** Output cap: a listing is a few KB, and under 100 KB with every name at its longest (README.md). */
export const MAX_LISTING_BYTES = 128 * 1024;
/** Short files with longer relative paths are counted, not named. */
export const MAX_SHORT_PATH = 200;
/** Checkpoints described in detail: the newest by mtime. */
export const CANDIDATES = 8;
/** Newest directory entries listed whatever their names. */
export const RECENT_ENTRIES = 8;
/** Short files named per checkpoint (all are counted). */
export const SHORTS_PER_CHECKPOINT = 8;
/** How deep a checkpoint directory's files are counted (Megatron: iter_N/mp_rank_00/x.pt; NeMo: X/weights/…). */
export const CHECKPOINT_DEPTH = 3;
/**
 * A file is SHORT when it is smaller than the same file in the checkpoint before by more than
 * 1 % of that size, and by more than 1 MiB (or is empty where it was not). Same-shaped state
 * writes same-sized shards; the slack absorbs pickled Python objects (dataloader or RNG state)
 * that vary a little from save to save. See README.md ("truncated").
 */
export const SHORT_FRACTION = 0.01;
export const SHORT_MIN_BYTES = 1024 * 1024;

/** Relative paths with other bytes are left out of the file-by-file comparison (counted in totals). */
const SAFE_PATH = `! -path '*[!A-Za-z0-9._=+/-]*'`;

function body(layout: CheckpointLayout): string[] {
  const rule = LAYOUTS[layout];
  const fileList = (tag: string) =>
    `find . -mindepth 1 -maxdepth ${CHECKPOINT_DEPTH} -type f ${SAFE_PATH} -printf '${tag} %s %P\\n' 2>/dev/null`;
  const markers =
    rule.markers.length === 0
      ? []
      : [
          `    for m in ${rule.markers.join(' ')}; do`,
          `      [ -e "$1/$m" ] && printf 'mark\\t%s\\t%s\\t%s\\n' "$1" "$m" "$(find "./$1/$m" -maxdepth 0 -printf '%s\\t%T@' 2>/dev/null)"`,
          '    done',
        ];
  const tag =
    rule.tagFile === null
      ? []
      : [
          `  if [ -f ${rule.tagFile} ]; then`,
          // Written in place by the trainer: read a bounded head, keep safe bytes only.
          `    tv=$(head -c 64 -- ${rule.tagFile} | tr -d '\\r\\n' | tr -c 'A-Za-z0-9._=-' '?')`,
          `    printf 'tag\\t%s\\t%s\\n' "$(find ./${rule.tagFile} -maxdepth 0 -printf '%s\\t%T@' 2>/dev/null)" "$tv"`,
          '    td=',
          `    ${rule.tagDirScript}`,
          '    if [ -n "$td" ]; then',
          '      case $seen in',
          '        *" $td "*) ;;',
          // $tm is "mtime size" (numbers): split into describe's last two words on purpose.
          `        *) if [ -d "$td" ] && tm=$(find "./$td" -maxdepth 0 -printf '%T@ %s' 2>/dev/null) && [ -n "$tm" ]; ` +
            `then describe "$td" d '' $tm; else printf 'tagdir\\t%s\\tmissing\\n' "$td"; fi ;;`,
          '      esac',
          '    fi',
          '  fi',
        ];
  return [
    'export LC_ALL=C',
    'set -f',
    // One step directory's totals: files, bytes, smallest, empty ones, first and last mtime.
    'totals() {',
    `  (cd -- "$1" && find . -mindepth 1 -maxdepth ${CHECKPOINT_DEPTH} -type f -printf '%s %T@\\n' 2>/dev/null) | awk -v s="$1" '`,
    '    BEGIN { n = 0; b = 0; z = 0 }',
    '    { n++; b += $1; if ($1 == 0) z++; if (n == 1 || $1 + 0 < mn) mn = $1 + 0',
    '      if (n == 1 || $2 + 0 < t0 + 0) t0 = $2; if (n == 1 || $2 + 0 > t1 + 0) t1 = $2 }',
    '    END { if (n == 0) { mn = 0; t0 = "-"; t1 = "-" }',
    '      printf "agg\\t%s\\t%d\\t%.0f\\t%.0f\\t%d\\t%s\\t%s\\n", s, n, b, mn, z, t0, t1 }\'',
    '}',
    // Every file of $1 against the same relative path in the older $2: the short ones (bounded).
    'compare_steps() {',
    `  { (cd -- "$2" && ${fileList('p')}); (cd -- "$1" && ${fileList('c')}); } | awk -v s="$1" -v p="$2" -v f=${SHORT_FRACTION} -v m=${SHORT_MIN_BYTES} '`,
    '    $1 == "p" { ps[$3] = $2 + 0; next }',
    '    { n++; if ($3 in ps) { k++; q = ps[$3]; l = q * f; if (l < m) l = m',
    '        if ($2 + 0 < q && ($2 + 0 == 0 || q - $2 > l)) { x++',
    `          if (x <= ${SHORTS_PER_CHECKPOINT} && length($3) <= ${MAX_SHORT_PATH}) printf "short\\t%s\\t%s\\t%.0f\\t%.0f\\n", s, $3, $2, q } } }`,
    '    END { printf "cmp\\t%s\\t%s\\t%d\\t%d\\t%d\\n", s, p, n, k, x }\'',
    '}',
    // $1 name, $2 type (d or f), $3 the older directory to compare with or empty, $4 mtime, $5 size.
    // Birth time (statx; 0 or - when the filesystem keeps none) dates the start of the save.
    'describe() {',
    '  b=$(stat -c %W -- "$1" 2>/dev/null) || b=0',
    `  printf 'cand\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$4" "$5" "\${b:-0}"`,
    '  if [ "$2" = d ]; then',
    '    totals "$1"',
    ...markers,
    '    [ -n "$3" ] && compare_steps "$1" "$3"',
    '  fi',
    ...(rule.perCandidateScript ? rule.perCandidateScript.split('\n').map((l) => `  ${l}`) : []),
    '  return 0',
    '}',
    'main() {',
    `  printf '${LISTING_FORMAT}\\t${LISTING_VERSION}\\t${layout}\\n'`,
    `  printf 'now\\t%s\\n' "$(date +%s.%N)"`,
    '  if ! cd -- "$1" 2>/dev/null; then',
    // The system's reason (ENOENT, ESTALE, ENOTCONN, EACCES…): the text after ls's last ": ".
    `    printf 'dir\\tabsent\\t%s\\n' "$(ls -d -- "$1/." 2>&1 >/dev/null | tr '\\t\\n' '  ' | sed 's/.*: //' | cut -c 1-160)"`,
    `    printf 'end\\n'`,
    '    return 0',
    '  fi',
    '  r=-; [ -r . ] && r=r; w=-; [ -w . ] && w=w',
    `  printf 'dir\\tok\\t%s%s\\n' "$r" "$w"`,
    `  printf 'fs\\t%s\\n' "$(stat -f -c '%S %b %f %a %c %d %T' . 2>&1 | head -n 1)"`,
    '  if command -v findmnt >/dev/null 2>&1; then',
    `    printf 'mount\\t%s\\n' "$(findmnt -n -r -T . -o TARGET,FSTYPE,OPTIONS 2>&1 | head -n 1)"`,
    '  else',
    // The longest mount point that prefixes the physical path (the last one mounted wins a tie).
    `    printf 'mount\\t%s\\n' "$(P=$(pwd -P) awk 'BEGIN { p = ENVIRON["P"] "/" }`,
    '      { t = $2; gsub(/\\\\040/, " ", t); gsub(/\\\\011/, "\\t", t); gsub(/\\\\012/, "\\n", t); gsub(/\\\\134/, "\\\\", t)',
    '        u = (t == "/") ? "/" : t "/"; if (index(p, u) == 1 && length(u) >= bl) { bl = length(u); best = $2 " " $3 " " $4 } }',
    `      END { print best }' /proc/mounts 2>&1)"`,
    '  fi',
    `  printf 'count\\t%s\\n' "$(find . -mindepth 1 -maxdepth 1 -printf x 2>/dev/null | wc -c)"`,
    `  find . -mindepth 1 -maxdepth 1 -printf '%T@\\t%s\\t%y\\t%f\\0' 2>/dev/null | sort -z -rn | head -z -n ${RECENT_ENTRIES} |` +
      ` sed -z 's/\\\\/\\\\\\\\/g;s/\\n/\\\\n/g;s/^/entry\\t/' | tr '\\0' '\\n'`,
    // Oldest first, so each checkpoint is compared with the one just before it.
    `  c=$(find . -mindepth 1 -maxdepth 1 ${rule.findTests} -printf '%T@ %s %y %f\\n' 2>/dev/null | sort -n | tail -n ${CANDIDATES})`,
    "  prev=; seen=' '",
    '  while read -r t z y s; do',
    '    [ -n "$s" ] || continue',
    '    describe "$s" "$y" "$prev" "$t" "$z"',
    '    seen="$seen$s "',
    '    [ "$y" = d ] && prev=$s',
    '  done <<EOF',
    '$c',
    'EOF',
    ...tag,
    ...(rule.trailerScript ? [`  ${rule.trailerScript}`] : []),
    `  printf 'end\\n'`,
    '}',
    `main "$@" | head -c ${MAX_LISTING_BYTES}`,
  ];
}

/** The script for one layout: fixed text, the directory arrives as `$1`. */
export function listingScript(layout: CheckpointLayout): string {
  return body(layout).join('\n');
}

/** The command line: `sh -c '<script>' fleetops-checkpoints '<directory>'`. */
export function listingCommand(directory: string, layout: CheckpointLayout): string {
  return `sh -c ${shellQuote(listingScript(layout))} ${SCRIPT_NAME} ${shellQuote(directory)}`;
}

/** Each layout's script and command prefix, built once: a lab host checks every command it runs (its probes too) against them. */
let prefixes: ReadonlyArray<{ layout: CheckpointLayout; script: string; prefix: string }> | null = null;
function listingPrefixes(): ReadonlyArray<{ layout: CheckpointLayout; script: string; prefix: string }> {
  return (prefixes ??= (Object.keys(LAYOUTS) as CheckpointLayout[]).map((layout) => {
    const script = listingScript(layout);
    return { layout, script, prefix: `sh -c ${shellQuote(script)} ${SCRIPT_NAME} ` };
  }));
}

/**
 * The inverse of listingCommand for a host that must not run a shell on arbitrary input (the
 * lab): the command is accepted only when it is exactly one layout's command for a valid
 * directory, which is then returned with the script to run as `sh -c SCRIPT NAME DIR` (argv,
 * no shell parsing of the directory). Null for anything else.
 */
export function recogniseListingCommand(
  command: string,
): { layout: CheckpointLayout; directory: string; argv: [string, string, string, string, string] } | null {
  for (const { layout, script, prefix } of listingPrefixes()) {
    if (!command.startsWith(prefix)) continue;
    const quoted = /^'((?:[^']|'\\'')*)'$/.exec(command.slice(prefix.length));
    if (!quoted) return null;
    const directory = quoted[1].replace(/'\\''/g, "'");
    if (!CheckpointDirectory.safeParse(directory).success) return null;
    return { layout, directory, argv: ['sh', '-c', script, SCRIPT_NAME, directory] };
  }
  return null;
}
